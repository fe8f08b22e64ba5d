// Long texts show how much of their limit is used: every textarea with a maxlength gets a live "n / max".
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
    var counter = document.createElement("small");
    counter.className = "counter";
    counter.setAttribute("aria-live", "polite");
    var show = function () {
      counter.textContent = area.value.length.toLocaleString() + " / " +
        Number(area.getAttribute("maxlength")).toLocaleString();
    };
    area.insertAdjacentElement("afterend", counter);
    area.addEventListener("input", show);
    show();
  });
});
