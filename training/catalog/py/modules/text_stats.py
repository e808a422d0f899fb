"""Count what a text is made of: words, sentences, characters and the longest word.

- a module of text statistics
- helpers that count the words, sentences and letters of a text
- measure a piece of writing
"""


def word_total(text: str) -> int:
    return len(text.split())


def sentence_total(text: str) -> int:
    count = 0
    for ch in text:
        if ch in ".!?":
            count += 1
    return count


def letter_total(text: str) -> int:
    count = 0
    for ch in text:
        if ch.lower() != ch.upper():
            count += 1
    return count


def longest_word_length(text: str) -> int:
    best = 0
    for w in text.split():
        best = max(best, len(w))
    return best
