" ANRF documents are JSON: use the JSON syntax.
if exists("b:current_syntax")
  finish
endif
runtime! syntax/json.vim
unlet! b:current_syntax
let b:current_syntax = "anrf"
