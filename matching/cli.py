"""`python -m matching`: rank, evaluate, build evaluation sets, save an index."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from matching import embedder
from matching.bands import calibrate, edges, table
from matching.baselines import BASELINES
from matching.engine import CAPACITY_RULES, Matcher
from matching.evalsets import SETS, build, load_papers
from matching.evaluate import HEADER, evaluate
from matching.io import InputError, read_candidates, read_qrels, read_queries
from matching.persist import load, save


def main(argv: list[str] | None = None) -> int:
    """Run one command; bad input exits 2 with the file, line and reason."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m matching", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="command")

    rank = commands.add_parser("rank", help="rank candidates for every query, JSONL hits on stdout")
    source = rank.add_mutually_exclusive_group(required=True)
    source.add_argument("--candidates", type=Path, help="candidates JSONL")
    source.add_argument("--index", type=Path, help="an index saved by `python -m matching index`")
    rank.add_argument("--queries", type=Path, required=True)
    rank.add_argument("--top", type=_count, default=20, help="hits per query; 0 scores every candidate")
    rank.add_argument("--kinds", default="", help="comma-separated kinds to keep (solver,manager,commissioner)")
    rank.add_argument("--capacity", choices=CAPACITY_RULES, default="ignore")
    _meaning_options(rank)
    rank.set_defaults(run=_rank)

    index = commands.add_parser("index", help="build an index from candidates and save it")
    index.add_argument("--candidates", type=Path, required=True)
    index.add_argument("--out", type=Path, required=True)
    index.add_argument("--stamp", default="")
    _meaning_options(index)
    index.set_defaults(run=_index)

    ev = commands.add_parser("evaluate", help="NDCG@10, MRR@10, Recall@10/50 and pairwise loss")
    ev.add_argument("--candidates", type=Path, required=True)
    ev.add_argument("--queries", type=Path, required=True)
    ev.add_argument("--qrels", type=Path, required=True)
    ev.add_argument("--baselines", action="store_true", help="also evaluate BM25, TF-IDF, char-bigram TF-IDF")
    _meaning_options(ev)
    ev.set_defaults(run=_evaluate)

    cal = commands.add_parser("calibrate", help="relevance by score band, and the band edges it suggests")
    cal.add_argument("--candidates", type=Path, required=True)
    cal.add_argument("--queries", type=Path, required=True)
    cal.add_argument("--qrels", type=Path, required=True)
    cal.set_defaults(run=_calibrate)

    sets = commands.add_parser("evalsets", help="write the evaluation sets built from CSL papers")
    sets.add_argument("--csl", type=Path, required=True, help="csl-dev.jsonl")
    sets.add_argument("--out", type=Path, required=True)
    sets.set_defaults(run=_evalsets)
    return parser


def _meaning_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--meaning", choices=("on", "off"), default="on",
                         help="embed texts without a vector and fuse them as the web app does (on, the default; "
                              "≈ 0.2 s a document on a laptop's CPU) or rank by words only (off)")
    command.add_argument("--vector-cache", type=Path, help=".npz file keeping computed vectors between runs")


def _with_meaning(args, candidates, queries):
    """The records with their vectors when --meaning is on (each text embedded once per cache)."""
    if args.meaning == "off":
        return candidates, queries
    cache = embedder.VectorCache(args.vector_cache)
    embedded = embedder.attach(candidates, queries, cache)
    if cache.computed:
        print(f"embedded {cache.computed} texts", file=sys.stderr)
    return embedded


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def _rank(args) -> int:
    candidates = read_candidates(args.candidates) if args.candidates else []
    candidates, queries = _with_meaning(args, candidates, read_queries(args.queries))
    engine = load(args.index) if args.index else Matcher().fit(candidates)
    kinds = {k.strip() for k in args.kinds.split(",") if k.strip()} or None
    out = sys.stdout
    for query in queries:
        hits = engine.rank(query, k=args.top, kinds=kinds, capacity=args.capacity)
        for rank, hit in enumerate(hits, start=1):
            line = {"query": query.id, "candidate": hit.candidate_id, "rank": rank, "score": hit.score,
                    "reasons": [r.as_dict() for r in hit.reasons]}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def _index(args) -> int:
    candidates, _none = _with_meaning(args, read_candidates(args.candidates), [])
    engine = Matcher().fit(candidates, stamp=args.stamp)
    save(engine, args.out)
    print(f"indexed {len(engine)} candidates into {args.out}", file=sys.stderr)
    return 0


def _evaluate(args) -> int:
    candidates, queries, qrels = read_candidates(args.candidates), read_queries(args.queries), read_qrels(args.qrels)
    embedded, vector_queries = _with_meaning(args, candidates, queries)
    engine = Matcher().fit(embedded)
    by_id = {q.id: q for q in vector_queries}
    name = "Jiebang engine (words + meaning)" if args.meaning == "on" else "Jiebang engine"
    rankers = [(name, lambda q, k: [(h.candidate_id, h.score) for h in engine.rank(by_id[q.id], k)])]
    if args.baselines and args.meaning == "on":
        lexical = Matcher().fit(candidates)
        rankers.append(("Jiebang engine, words only", lambda q, k: [(h.candidate_id, h.score)
                                                                      for h in lexical.rank(q, k)]))
    if args.baselines:
        rankers += [(b.name, b().fit(candidates).rank) for b in BASELINES]
    print(HEADER)
    for name, ranker in rankers:
        print(evaluate(name, ranker, queries, qrels).row(), flush=True)
    return 0


def _calibrate(args) -> int:
    candidates, queries, qrels = read_candidates(args.candidates), read_queries(args.queries), read_qrels(args.qrels)
    bins = calibrate(Matcher().fit(candidates), queries, qrels)
    fair, strong = edges(bins)
    settings = Matcher().settings
    print(table(bins))
    print(f"\nsuggested edges: fair ≥ {fair:.2f}, strong ≥ {strong:.2f} "
          f"(in use: fair ≥ {settings.band_fair:.2f}, strong ≥ {settings.band_strong:.2f})")
    return 0


def _evalsets(args) -> int:
    folders = build(load_papers(args.csl), args.out)
    for name in SETS:
        print(folders[name])
    return 0
