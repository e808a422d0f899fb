-- Filetype detection for *.anrf.json (ANRF documents are JSON). The language client starts only
-- after require("anrf").setup({...}).
if vim.g.loaded_anrf then
  return
end
vim.g.loaded_anrf = 1
if vim.filetype and vim.filetype.add then
  vim.filetype.add({ pattern = { [".*%.anrf%.json"] = "anrf" } })
end
