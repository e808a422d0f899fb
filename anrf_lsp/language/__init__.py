"""Editor features as plain functions: navigation, hover, symbols, completion,
inlay hints and quick fixes over one loaded `Document`.

Conventions shared by every module here (the language server in `anrf_lsp.lsp`
is a thin adapter over them):
- input is a `anrf_lsp.format.document.Document`, which may be broken (half-typed
  JSON: `doc.syntax_ok` is False, `doc.tree` is the recovered partial tree), so
  features read `doc.tree` + `doc.source` rather than requiring `doc.model`;
- positions are code-point offsets into `doc.text` and results carry
  `anrf_lsp.format.jsonsource.Span`s; the server converts to LSP positions;
- nothing here imports pygls or lsprotocol, and nothing raises on document content.
"""
