"""two-input: everyday functions of two lists, a list and a value, or two strings (Python references; the ANRF comes from the importer)."""


def pairwise_sum(a: list[int], b: list[int]) -> list[int]:
    """Add two lists element by element, up to the shorter length.

    - add two lists element by element
    - sum the matching entries of two lists
    - combine two lists by adding their items pairwise
    """
    out = []
    for i in range(min(len(a), len(b))):
        out.append(a[i] + b[i])
    return out


def pairwise_product(a: list[int], b: list[int]) -> list[int]:
    """Multiply two lists element by element, up to the shorter length.

    - multiply two lists element by element
    - compute the pairwise products of two lists
    - combine two lists by multiplying their items
    """
    out = []
    for i in range(min(len(a), len(b))):
        out.append(a[i] * b[i])
    return out


def dot_product(a: list[int], b: list[int]) -> int:
    """Return the dot product of two lists, up to the shorter length.

    - compute the dot product of two lists
    - add up the products of matching entries
    - get the scalar product of two vectors
    """
    total = 0
    for i in range(min(len(a), len(b))):
        total += a[i] * b[i]
    return total


def count_equal_positions(a: list[int], b: list[int]) -> int:
    """Count the positions where two lists hold the same value.

    - count the positions where two lists agree
    - tally the matching entries of two lists
    - find how many items are equal at the same index
    """
    count = 0
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            count += 1
    return count


def common_elements(a: list[int], b: list[int]) -> list[int]:
    """Return the values of the first list that also occur in the second, without repeats.

    - find the elements two lists have in common
    - intersect two lists
    - list the values present in both lists
    """
    out = []
    for x in a:
        if x in b and x not in out:
            out.append(x)
    return out


def difference_of_lists(a: list[int], b: list[int]) -> list[int]:
    """Return the values of the first list that do not occur in the second.

    - remove from a list every value found in another
    - subtract one list from another
    - keep the items of a that are not in b
    """
    out = []
    for x in a:
        if x not in b:
            out.append(x)
    return out


def merge_sorted(a: list[int], b: list[int]) -> list[int]:
    """Merge two sorted lists into one sorted list.

    - merge two sorted lists
    - combine two ordered lists keeping the order
    - interleave two sorted lists into one
    """
    out = []
    i = 0
    j = 0
    while i < len(a) and j < len(b):
        if a[i] <= b[j]:
            out.append(a[i])
            i += 1
        else:
            out.append(b[j])
            j += 1
    while i < len(a):
        out.append(a[i])
        i += 1
    while j < len(b):
        out.append(b[j])
        j += 1
    return out


def concat_lists(a: list[int], b: list[int]) -> list[int]:
    """Return the second list appended to the first.

    - concatenate two lists
    - join two lists end to end
    - append one list to another
    """
    return a + b


def same_length(a: list[int], b: list[int]) -> bool:
    """Tell whether two lists have the same length.

    - check whether two lists are equally long
    - compare the lengths of two lists
    - tell whether two lists have as many items
    """
    return len(a) == len(b)


def is_prefix(a: list[int], b: list[int]) -> bool:
    """Tell whether the first list is a prefix of the second.

    - check whether one list starts another
    - tell whether a is a prefix of b
    - test if a list begins with another list
    """
    if len(a) > len(b):
        return False
    for i in range(len(a)):
        if a[i] != b[i]:
            return False
    return True


def count_value(numbers: list[int], value: int) -> int:
    """Count how many times a value occurs in a list.

    - count the occurrences of a value in a list
    - tally how often a number appears
    - find how many entries equal a given value
    """
    count = 0
    for n in numbers:
        if n == value:
            count += 1
    return count


def remove_value(numbers: list[int], value: int) -> list[int]:
    """Remove every occurrence of a value from a list.

    - remove a value from a list
    - drop every entry equal to a number
    - filter out all copies of a value
    """
    out = []
    for n in numbers:
        if n != value:
            out.append(n)
    return out


def replace_value(numbers: list[int], old: int, new: int) -> list[int]:
    """Replace every occurrence of one value with another.

    - replace a value in a list with another
    - substitute every old number with a new one
    - swap all occurrences of a value
    """
    out = []
    for n in numbers:
        if n == old:
            out.append(new)
        else:
            out.append(n)
    return out


def multiply_all(numbers: list[float], factor: float) -> list[float]:
    """Multiply every number of a list by a factor.

    - multiply each number in a list by a factor
    - scale a list of values
    - times every entry by a given number
    """
    out = []
    for n in numbers:
        out.append(n * factor)
    return out


def clip_values(numbers: list[float], low: float, high: float) -> list[float]:
    """Clamp every number of a list into a range.

    - clip the values of a list to a range
    - clamp each number between two bounds
    - limit every entry to a minimum and a maximum
    """
    out = []
    for n in numbers:
        out.append(min(max(n, low), high))
    return out


def first_index_above(numbers: list[float], threshold: float) -> int:
    """Return the index of the first number above a threshold, or -1.

    - find the first position with a value above a threshold
    - get the index of the first number bigger than a limit
    - locate the first entry exceeding a value
    """
    for i, n in enumerate(numbers):
        if n > threshold:
            return i
    return -1


def take_first(numbers: list[int], n: int) -> list[int]:
    """Return the first n items of a list (all of them when n is larger, none when n < 1).

    - take the first n items of a list
    - get the head of a list
    - keep only the leading n entries
    """
    if n < 1:
        return []
    return numbers[:n]


def drop_first(numbers: list[int], n: int) -> list[int]:
    """Return a list without its first n items.

    - drop the first n items of a list
    - skip the leading entries of a list
    - remove the first n values
    """
    if n < 1:
        return numbers
    return numbers[n:]


def rotate_left(numbers: list[int], k: int) -> list[int]:
    """Rotate a list left by k positions.

    - rotate a list to the left
    - shift the items of a list by k places
    - move the first k items to the end
    """
    if len(numbers) == 0:
        return numbers
    k = k % len(numbers)
    return numbers[k:] + numbers[:k]


def chunk_sums(numbers: list[int], size: int) -> list[int]:
    """Return the sums of consecutive chunks of a given size (the last may be shorter).

    - sum a list in chunks of a size
    - add up each group of n consecutive items
    - total the blocks of a list
    """
    if size < 1:
        return []
    out = []
    i = 0
    while i < len(numbers):
        total = 0
        for x in numbers[i:i + size]:
            total += x
        out.append(total)
        i += size
    return out


def count_common_chars(a: str, b: str) -> int:
    """Count the characters of the first string that occur in the second.

    - count the letters two strings share
    - tally the characters of a found in b
    - find how many characters of one text appear in another
    """
    count = 0
    for ch in a:
        if ch in b:
            count += 1
    return count


def hamming_distance(a: str, b: str) -> int:
    """Count the positions where two strings differ, plus the difference in length.

    - compute the Hamming distance of two strings
    - count the positions where two texts differ
    - measure how many characters two strings disagree on
    """
    count = abs(len(a) - len(b))
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            count += 1
    return count


def common_prefix(a: str, b: str) -> str:
    """Return the longest common prefix of two strings.

    - find the longest common prefix of two strings
    - get the shared beginning of two texts
    - return the start two words have in common
    """
    out = ""
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            break
        out += a[i]
    return out


def starts_and_ends_with(text: str, part: str) -> bool:
    """Tell whether a string both starts and ends with a part.

    - check whether a text begins and ends with a piece
    - tell whether a string is wrapped in a given part
    - test if a word starts and ends the same way
    """
    return text.startswith(part) and text.endswith(part)


def join_pair(a: str, b: str) -> str:
    """Join two strings with a space between them (no space when one is empty).

    - join two strings with a space
    - put two words together with a blank
    - concatenate first and last name
    """
    if len(a) == 0:
        return b
    if len(b) == 0:
        return a
    return a + " " + b


def interleave_strings(a: str, b: str) -> str:
    """Alternate the characters of two strings, then append the rest of the longer.

    - interleave the characters of two strings
    - alternate letters from two texts
    - zip two strings character by character
    """
    out = ""
    for i in range(min(len(a), len(b))):
        out += a[i] + b[i]
    return out + a[min(len(a), len(b)):] + b[min(len(a), len(b)):]


def longer_string(a: str, b: str) -> str:
    """Return the longer of two strings (the first when equally long).

    - return the longer of two strings
    - pick the string with more characters
    - get the longest of two texts
    """
    if len(b) > len(a):
        return b
    return a


def repeat_join(text: str, times: int) -> str:
    """Repeat a string a number of times, separated by spaces.

    - repeat a word n times with spaces
    - echo a string several times
    - join n copies of a text
    """
    out = []
    for _ in range(times):
        out.append(text)
    return " ".join(out)


def surround(text: str, mark: str) -> str:
    """Put a mark before and after a string.

    - wrap a string in a mark
    - surround a text with a symbol
    - add a prefix and a suffix to a word
    """
    return mark + text + mark


def remove_char(text: str, char: str) -> str:
    """Remove every occurrence of a substring from a string (the text itself for an empty one).

    - remove a character from a string
    - delete every occurrence of a letter
    - strip a symbol out of a text
    """
    if len(char) == 0:
        return text
    return text.replace(char, "")


def find_position(text: str, part: str) -> int:
    """Return the index of the first occurrence of a substring, or -1.

    - find the position of a substring
    - get where a word first appears in a text
    - locate a piece of text in a string
    """
    return text.find(part)


def count_words_in_list(words: list[str], word: str) -> int:
    """Count how many strings of a list equal a word.

    - count a word in a list of words
    - tally how often a string appears in a list
    - find how many entries match a word
    """
    count = 0
    for w in words:
        if w == word:
            count += 1
    return count


def filter_containing(words: list[str], part: str) -> list[str]:
    """Keep the strings of a list that contain a substring.

    - keep the words containing a substring
    - filter strings by what they contain
    - select the entries that include a piece of text
    """
    out = []
    for w in words:
        if part in w:
            out.append(w)
    return out


def prefix_all(words: list[str], prefix: str) -> list[str]:
    """Put a prefix in front of every string of a list.

    - add a prefix to every word in a list
    - prepend a string to each entry
    - put the same start before every item
    """
    out = []
    for w in words:
        out.append(prefix + w)
    return out
