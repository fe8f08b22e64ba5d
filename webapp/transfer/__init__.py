"""Bulk import (CSV/XLSX, validated row by row, with duplicate detection) and export (CSV/JSON)."""
