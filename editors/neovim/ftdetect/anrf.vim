" *.anrf.json is ANRF (JSON syntax); for Neovim's filetype.vim (0.7), which would say json.
autocmd BufRead,BufNewFile *.anrf.json set filetype=anrf
