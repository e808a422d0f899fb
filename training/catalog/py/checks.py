"""validation: everyday yes/no checks (Python references; the ANRF comes from the importer)."""


def is_odd(n: int) -> bool:
    """Tell whether a number is odd.

    - check whether a number is odd
    - test if an integer is not even
    - tell whether n leaves a remainder when halved
    """
    return n % 2 != 0


def is_positive(x: float) -> bool:
    """Tell whether a number is positive.

    - check whether a number is positive
    - test if a value is above zero
    - tell whether x is greater than zero
    """
    return x > 0


def is_negative(x: float) -> bool:
    """Tell whether a number is negative.

    - check whether a number is negative
    - test if a value is below zero
    - tell whether x is less than zero
    """
    return x < 0


def is_zero(x: float) -> bool:
    """Tell whether a number is zero.

    - check whether a number is zero
    - test if a value equals zero
    - tell whether x is exactly zero
    """
    return x == 0


def is_between(x: float, low: float, high: float) -> bool:
    """Tell whether a number lies strictly between two bounds.

    - check whether a number is strictly between two values
    - test if x lies inside an open interval
    - tell whether a value is above low and below high
    """
    return low < x < high


def is_empty_list(items: list[int]) -> bool:
    """Tell whether a list is empty.

    - check whether a list is empty
    - test if a list has no items
    - tell whether there is nothing in a list
    """
    return len(items) == 0


def is_blank(text: str) -> bool:
    """Tell whether a string is empty or only whitespace.

    - check whether a string is blank
    - test if a text holds only spaces
    - tell whether a string has no visible characters
    """
    return len(text.strip()) == 0


def all_even(numbers: list[int]) -> bool:
    """Tell whether every number of a list is even.

    - check that every number in a list is even
    - test if a list holds only even values
    - tell whether all entries are divisible by two
    """
    for n in numbers:
        if n % 2 != 0:
            return False
    return True


def any_negative(numbers: list[float]) -> bool:
    """Tell whether a list contains a negative number.

    - check whether any number in a list is negative
    - test if a list holds a value below zero
    - tell whether there is a negative entry
    """
    for n in numbers:
        if n < 0:
            return True
    return False


def any_zero(numbers: list[int]) -> bool:
    """Tell whether a list contains a zero.

    - check whether a list contains zero
    - test if any entry equals zero
    - tell whether there is a zero in a list
    """
    for n in numbers:
        if n == 0:
            return True
    return False


def all_unique_words(words: list[str]) -> bool:
    """Tell whether no string repeats in a list.

    - check that every word in a list is unique
    - test a list of strings for repeats
    - tell whether all strings are different
    """
    seen = []
    for w in words:
        if w in seen:
            return False
        seen.append(w)
    return True


def is_sorted_descending(numbers: list[float]) -> bool:
    """Tell whether a list is in non-increasing order.

    - check whether a list is sorted in descending order
    - test if values never go up
    - tell whether a list is ordered from largest to smallest
    """
    for i in range(1, len(numbers)):
        if numbers[i] > numbers[i - 1]:
            return False
    return True


def is_strictly_increasing(numbers: list[int]) -> bool:
    """Tell whether every number is larger than the one before.

    - check whether a list is strictly increasing
    - test if each value is bigger than the previous
    - tell whether a list only goes up
    """
    for i in range(1, len(numbers)):
        if numbers[i] <= numbers[i - 1]:
            return False
    return True


def contains_digit(text: str) -> bool:
    """Tell whether a string contains a digit.

    - check whether a text contains a digit
    - test if a string has a number in it
    - tell whether any character is a numeral
    """
    for ch in text:
        if ch in "0123456789":
            return True
    return False


def is_all_digits(text: str) -> bool:
    """Tell whether a non-empty string consists of digits only.

    - check whether a string is all digits
    - test if a text is a whole number written out
    - tell whether every character is a numeral
    """
    if len(text) == 0:
        return False
    for ch in text:
        if ch not in "0123456789":
            return False
    return True


def has_uppercase(text: str) -> bool:
    """Tell whether a string contains an upper-case letter.

    - check whether a text has a capital letter
    - test if a string contains upper case
    - tell whether any letter is a capital
    """
    for ch in text:
        if ch.upper() == ch and ch.lower() != ch:
            return True
    return False


def is_strong_password(text: str) -> bool:
    """Tell whether a password has at least 8 characters, a digit, a lower- and an upper-case letter.

    - check whether a password is strong
    - validate a password's length, digits and letter cases
    - tell whether a password meets the usual rules
    """
    if len(text) < 8:
        return False
    digit = False
    lower = False
    upper = False
    for ch in text:
        if ch in "0123456789":
            digit = True
        elif ch.lower() == ch and ch.upper() != ch:
            lower = True
        elif ch.upper() == ch and ch.lower() != ch:
            upper = True
    return digit and lower and upper


def looks_like_email(text: str) -> bool:
    """Tell whether a string has one '@' with text before it and a dot after it.

    - check whether a string looks like an email address
    - do a rough email validation
    - tell whether a text has the shape of an address
    """
    parts = text.split("@")
    if len(parts) != 2:
        return False
    return len(parts[0]) > 0 and "." in parts[1] and not parts[1].startswith(".") and not parts[1].endswith(".")


def is_valid_hex_color(text: str) -> bool:
    """Tell whether a string is '#' followed by six hexadecimal digits.

    - check whether a string is a hex colour
    - validate a colour like #a1b2c3
    - tell whether a text is a six-digit hex code
    """
    if len(text) != 7 or not text.startswith("#"):
        return False
    for ch in text[1:]:
        if ch.lower() not in "0123456789abcdef":
            return False
    return True


def is_valid_age(age: int) -> bool:
    """Tell whether an age is between 0 and 150.

    - check whether an age is plausible
    - validate an age value
    - tell whether a number is a valid age
    """
    return age >= 0 and age <= 150


def is_valid_score(score: float) -> bool:
    """Tell whether a score lies between 0 and 10 inclusive.

    - check whether a score is between zero and ten
    - validate a rating
    - tell whether a mark is in range
    """
    return score >= 0 and score <= 10


def is_square_number(n: int) -> bool:
    """Tell whether a number is a perfect square.

    - check whether a number is a perfect square
    - test if n is some integer squared
    - tell whether an integer has an integer square root
    """
    if n < 0:
        return False
    k = 0
    while k * k < n:
        k += 1
    return k * k == n


def is_power_of_two(n: int) -> bool:
    """Tell whether a number is a power of two.

    - check whether a number is a power of two
    - test if n is 1, 2, 4, 8 and so on
    - tell whether an integer is two to some power
    """
    if n < 1:
        return False
    while n % 2 == 0:
        n = n // 2
    return n == 1


def starts_with_vowel(text: str) -> bool:
    """Tell whether a string starts with a vowel.

    - check whether a word begins with a vowel
    - test if a text starts with a, e, i, o or u
    - tell whether the first letter is a vowel
    """
    if len(text) == 0:
        return False
    return text[0].lower() in "aeiou"


def is_capitalized(text: str) -> bool:
    """Tell whether a string starts with an upper-case letter.

    - check whether a word is capitalized
    - test if a text starts with a capital
    - tell whether the first letter is upper case
    """
    if len(text) == 0:
        return False
    return text[0].upper() == text[0] and text[0].lower() != text[0]


def has_duplicate_words(text: str) -> bool:
    """Tell whether a sentence repeats a word (case-insensitive).

    - check whether a sentence repeats a word
    - test a text for duplicate words
    - tell whether any word occurs twice
    """
    seen = []
    for w in text.lower().split():
        if w in seen:
            return True
        seen.append(w)
    return False


def is_pangram(text: str) -> bool:
    """Tell whether a string uses every letter of the English alphabet.

    - check whether a sentence is a pangram
    - test if a text contains every letter
    - tell whether all 26 letters appear
    """
    lower = text.lower()
    for ch in "abcdefghijklmnopqrstuvwxyz":
        if ch not in lower:
            return False
    return True


def same_ignoring_case(a: str, b: str) -> bool:
    """Tell whether two strings are equal when case is ignored.

    - compare two strings ignoring case
    - check whether two texts match case-insensitively
    - tell whether two words are the same apart from capitals
    """
    return a.lower() == b.lower()


def is_rotation(a: str, b: str) -> bool:
    """Tell whether one string is a rotation of the other.

    - check whether a string is a rotation of another
    - test if b is a shifted copy of a
    - tell whether two words are rotations
    """
    return len(a) == len(b) and b in a + a
