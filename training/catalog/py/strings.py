"""string: everyday functions over text (Python references; the ANRF comes from the importer)."""


def capitalize_first(text: str) -> str:
    """Capitalize the first letter of a string.

    - capitalize the first letter of a string
    - make the first character of a text upper case
    - uppercase only the first letter
    - capitalise the first character of a text
    """
    return text[:1].upper() + text[1:]


def count_empty_strings(words: list[str]) -> int:
    """Count the empty strings in a list.

    - count the empty strings in a list
    - tally how many strings are blank
    - find how many entries of a list of strings are empty
    - count the strings in a list that are empty
    """
    count = 0
    for w in words:
        if len(w) == 0:
            count += 1
    return count


def count_uppercase(text: str) -> int:
    """Count the upper-case letters in a string.

    - count the capital letters in a text
    - tally the upper-case characters of a string
    - find how many letters are in capitals
    """
    count = 0
    for ch in text:
        if ch.upper() == ch and ch.lower() != ch:
            count += 1
    return count


def count_lowercase(text: str) -> int:
    """Count the lower-case letters in a string.

    - count the small letters in a text
    - tally the lower-case characters of a string
    - find how many letters are lower case
    """
    count = 0
    for ch in text:
        if ch.lower() == ch and ch.upper() != ch:
            count += 1
    return count


def count_spaces(text: str) -> int:
    """Count the spaces in a string.

    - count the spaces in a text
    - tally the blank characters of a string
    - find how many spaces a string has
    """
    count = 0
    for ch in text:
        if ch == " ":
            count += 1
    return count


def count_digit_chars(text: str) -> int:
    """Count the digits in a string.

    - count the digit characters of a text
    - tally the numerals in a string
    - find how many characters are digits
    """
    count = 0
    for ch in text:
        if ch in "0123456789":
            count += 1
    return count


def count_consonants(text: str) -> int:
    """Count the consonants in a string.

    - count the consonants in a text
    - tally the letters that are not vowels
    - find how many consonants a string has
    """
    count = 0
    for ch in text.lower():
        if ch in "bcdfghjklmnpqrstvwxyz":
            count += 1
    return count


def remove_vowels(text: str) -> str:
    """Remove the vowels from a string.

    - remove the vowels from a text
    - strip out every vowel of a string
    - delete a, e, i, o and u from a string
    """
    out = ""
    for ch in text:
        if ch.lower() not in "aeiou":
            out += ch
    return out


def remove_digits(text: str) -> str:
    """Remove the digits from a string.

    - remove the digits from a text
    - strip out every numeral of a string
    - delete the number characters from a string
    """
    out = ""
    for ch in text:
        if ch not in "0123456789":
            out += ch
    return out


def keep_letters(text: str) -> str:
    """Keep only the letters of a string.

    - keep only the letters of a text
    - drop every character that is not a letter
    - filter a string down to its letters
    """
    out = ""
    for ch in text:
        if ch.lower() != ch.upper():
            out += ch
    return out


def swap_case(text: str) -> str:
    """Swap the case of every letter in a string.

    - swap upper and lower case in a text
    - invert the case of each letter
    - turn capitals into small letters and back
    """
    out = ""
    for ch in text:
        if ch.upper() == ch:
            out += ch.lower()
        else:
            out += ch.upper()
    return out


def first_word(text: str) -> str:
    """Return the first word of a string, or an empty string.

    - get the first word of a sentence
    - return the leading word of a text
    - find the first whitespace-separated word
    """
    words = text.split()
    if len(words) == 0:
        return ""
    return words[0]


def last_word(text: str) -> str:
    """Return the last word of a string, or an empty string.

    - get the last word of a sentence
    - return the final word of a text
    - find the last whitespace-separated word
    """
    words = text.split()
    if len(words) == 0:
        return ""
    return words[-1]


def shortest_word(text: str) -> str:
    """Return the first shortest word of a string, or an empty string.

    - find the shortest word in a sentence
    - get the smallest word of a text
    - return the word with the fewest letters
    """
    best = ""
    for w in text.split():
        if best == "" or len(w) < len(best):
            best = w
    return best


def reverse_words(text: str) -> str:
    """Reverse the order of the words in a string.

    - reverse the order of the words in a sentence
    - put the words of a text in backwards order
    - flip the word order of a string
    """
    words = text.split()
    out = []
    for i in range(len(words) - 1, -1, -1):
        out.append(words[i])
    return " ".join(out)


def reverse_each_word(text: str) -> str:
    """Reverse every word of a string, keeping their order.

    - reverse each word of a sentence
    - spell every word backwards
    - mirror the letters of each word in place
    """
    out = []
    for w in text.split():
        out.append(w[::-1])
    return " ".join(out)


def title_case(text: str) -> str:
    """Capitalize the first letter of every word and lower-case the rest.

    - convert a sentence to title case
    - capitalize each word of a text
    - make every word start with a capital letter
    """
    out = []
    for w in text.split():
        out.append(w[:1].upper() + w[1:].lower())
    return " ".join(out)


def snake_to_camel(text: str) -> str:
    """Convert a snake_case name to camelCase.

    - convert snake case to camel case
    - turn an underscore-separated name into camelCase
    - rewrite a snake_case identifier as camelCase
    """
    parts = text.split("_")
    out = parts[0]
    for i in range(1, len(parts)):
        out += parts[i][:1].upper() + parts[i][1:]
    return out


def camel_to_snake(text: str) -> str:
    """Convert a camelCase name to snake_case.

    - convert camel case to snake case
    - turn a camelCase name into an underscore-separated one
    - rewrite a camelCase identifier in snake_case
    """
    out = ""
    for ch in text:
        if ch.upper() == ch and ch.lower() != ch:
            out += "_" + ch.lower()
        else:
            out += ch
    return out


def initials(text: str) -> str:
    """Return the initials of the words of a string, upper-cased, with dots.

    - get the initials of a name
    - abbreviate a full name to its initials with dots
    - return the first letters of each word with periods
    """
    out = ""
    for w in text.split():
        out += w[:1].upper() + "."
    return out


def count_words_longer_than(text: str, length: int) -> int:
    """Count the words of a string longer than a given length.

    - count the words longer than n characters
    - tally the long words of a sentence
    - find how many words exceed a length
    """
    count = 0
    for w in text.split():
        if len(w) > length:
            count += 1
    return count


def words_starting_with(words: list[str], prefix: str) -> list[str]:
    """Keep the words that start with a prefix.

    - keep the words that start with a prefix
    - filter a list of words by their beginning
    - select the strings beginning with given letters
    - filter the words that begin with a prefix
    """
    out = []
    for w in words:
        if w.startswith(prefix):
            out.append(w)
    return out


def count_words_ending_with(words: list[str], suffix: str) -> int:
    """Count the words that end with a suffix.

    - count the words ending with a suffix
    - tally the strings that end in given letters
    - find how many words finish with a suffix
    """
    count = 0
    for w in words:
        if w.endswith(suffix):
            count += 1
    return count


def longest_string(words: list[str]) -> str | None:
    """Return the first longest string in a list, or None for an empty list.

    - find the longest string in a list
    - get the string with the most characters
    - return the biggest word of a list
    """
    best = None
    for w in words:
        if best is None or len(w) > len(best):
            best = w
    return best


def total_length(words: list[str]) -> int:
    """Return the total number of characters of a list of strings.

    - add up the lengths of a list of strings
    - count all the characters of several words
    - total the string lengths
    """
    total = 0
    for w in words:
        total += len(w)
    return total


def join_with_commas(words: list[str]) -> str:
    """Join a list of strings with commas and spaces.

    - join words with commas
    - make a comma-separated string from a list
    - glue strings together with ", "
    """
    return ", ".join(words)


def lowercase_all(words: list[str]) -> list[str]:
    """Lower-case every string in a list.

    - lowercase every string in a list
    - convert a list of words to lower case
    - make each word small letters
    """
    out = []
    for w in words:
        out.append(w.lower())
    return out


def strip_all(words: list[str]) -> list[str]:
    """Strip the surrounding whitespace from every string in a list.

    - trim every string in a list
    - remove the spaces around each word
    - strip whitespace from a list of strings
    """
    out = []
    for w in words:
        out.append(w.strip())
    return out


def pad_left(text: str, width: int) -> str:
    """Pad a string with spaces on the left up to a width.

    - left-pad a string with spaces
    - right-align a text to a width
    - add leading spaces until a string has a length
    """
    missing = width - len(text)
    if missing <= 0:
        return text
    return " " * missing + text


def truncate(text: str, width: int) -> str:
    """Cut a string to at most a width, adding '...' when it was cut.

    - truncate a string to a maximum length with an ellipsis
    - shorten a text and add three dots
    - clip a string at a width
    """
    if width < 0 or len(text) <= width:
        return text
    return text[:width] + "..."


def count_substring(text: str, part: str) -> int:
    """Count the non-overlapping occurrences of a substring (0 for an empty substring).

    - count how often a substring occurs in a text
    - tally the occurrences of a word in a string
    - find how many times a piece of text appears
    """
    if len(part) == 0:
        return 0
    count = 0
    i = 0
    while i <= len(text) - len(part):
        if text[i:i + len(part)] == part:
            count += 1
            i += len(part)
        else:
            i += 1
    return count


def is_anagram_free(text: str) -> bool:
    """Tell whether no letter repeats in a string (case-insensitive, spaces ignored).

    - check that no letter repeats in a text
    - tell whether every letter of a word is unique
    - test a string for repeated letters
    """
    seen = ""
    for ch in text.lower():
        if ch != " ":
            if ch in seen:
                return False
            seen += ch
    return True


def mask_all_but_last_four(text: str) -> str:
    """Replace every character but the last four with '*'.

    - mask a card number except its last four digits
    - hide all but the last four characters
    - star out a string except its end
    """
    if len(text) <= 4:
        return text
    return "*" * (len(text) - 4) + text[-4:]


def collapse_spaces(text: str) -> str:
    """Replace runs of whitespace with single spaces and trim the ends.

    - collapse repeated spaces in a text
    - normalize the whitespace of a string
    - squeeze runs of blanks into one space
    """
    return " ".join(text.split())


def count_lines(text: str) -> int:
    """Count the lines of a text (0 for an empty text).

    - count the lines of a text
    - tally how many lines a string has
    - find the number of newline-separated lines
    """
    if len(text) == 0:
        return 0
    return len(text.split("\n"))
