"""Letters from templates: the edge where the pure letter context meets Jinja and files.

One job per module, imported directly (this package imports nothing, so reading the format
names at start-up stays light):

- `templates`: finding templates on disk and checking their front matter;
- `sandbox`: the one sandboxed, strict Jinja environment, its filters and its limits;
- `rendering`: `Letters` (compile once, render many) and Jinja failures as `InputError`
  naming the template file and line;
- `rendered`: `RenderedLetter`, what rendering makes and every format writes;
- `formats`: the output formats (`text` for md and txt, `word` for docx, `eml` for email
  drafts) behind one mapping;
- `drafting`: `draft_letters`, the library entry point that assesses the Trusts, builds each
  letter's context and renders the batch, returning a `LetterBatch` for the caller to write.

Nothing here imports Typer or rich; the CLI (`cocwatch.cli.cmd_letter`) writes and prints.
The modules stand in layers with no cycle (import-linter contracts in pyproject.toml).
"""
