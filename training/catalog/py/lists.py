"""aggregate: everyday functions over one list of numbers (Python references; the ANRF comes from the importer)."""


def count_negatives(numbers: list[int]) -> int:
    """Count the negative numbers in a list.

    - count the negative numbers in a list
    - tally how many values are below zero
    - find how many entries of a list are negative
    - how many numbers in a list are negative
    """
    count = 0
    for n in numbers:
        if n < 0:
            count += 1
    return count


def count_positives(numbers: list[int]) -> int:
    """Count the positive numbers in a list.

    - count the positive numbers in a list
    - tally how many values are above zero
    - find how many entries are greater than zero
    - how many numbers in a list are positive
    """
    count = 0
    for n in numbers:
        if n > 0:
            count += 1
    return count


def count_zeros(numbers: list[int]) -> int:
    """Count the zeros in a list.

    - count the zeros in a list of numbers
    - tally how many entries equal zero
    - find how many values are exactly zero
    """
    count = 0
    for n in numbers:
        if n == 0:
            count += 1
    return count


def count_even(numbers: list[int]) -> int:
    """Count the even numbers in a list.

    - count the even numbers in a list
    - tally the even values
    - find how many numbers in a list are divisible by two
    - how many even numbers a list has
    """
    count = 0
    for n in numbers:
        if n % 2 == 0:
            count += 1
    return count


def count_odd(numbers: list[int]) -> int:
    """Count the odd numbers in a list.

    - count the odd numbers in a list
    - tally the odd values
    - find how many numbers in a list are not even
    - how many odd numbers a list has
    """
    count = 0
    for n in numbers:
        if n % 2 != 0:
            count += 1
    return count


def sum_even(numbers: list[int]) -> int:
    """Return the sum of the even numbers in a list.

    - add up the even numbers in a list
    - total the even values
    - sum only the even entries of a list
    """
    total = 0
    for n in numbers:
        if n % 2 == 0:
            total += n
    return total


def sum_odd(numbers: list[int]) -> int:
    """Return the sum of the odd numbers in a list.

    - add up the odd numbers in a list
    - total the odd values
    - sum only the odd entries of a list
    """
    total = 0
    for n in numbers:
        if n % 2 != 0:
            total += n
    return total


def sum_positive(numbers: list[float]) -> float:
    """Return the sum of the positive numbers in a list.

    - add up the positive numbers in a list
    - total the values above zero
    - sum only the positive entries
    """
    total = 0
    for n in numbers:
        if n > 0:
            total += n
    return total


def sum_negative(numbers: list[float]) -> float:
    """Return the sum of the negative numbers in a list.

    - add up the negative numbers in a list
    - total the values below zero
    - sum only the negative entries
    """
    total = 0
    for n in numbers:
        if n < 0:
            total += n
    return total


def product_of_positives(numbers: list[float]) -> float:
    """Return the product of the positive numbers in a list.

    - multiply the positive numbers in a list together
    - compute the product of the values above zero
    - multiply only the positive entries
    """
    result = 1
    for n in numbers:
        if n > 0:
            result *= n
    return result


def mean_of_positives(numbers: list[float]) -> float | None:
    """Return the mean of the positive numbers in a list, or None when there are none.

    - average the positive numbers in a list
    - compute the mean of the values above zero
    - find the average of only the positive entries
    """
    total = 0
    count = 0
    for n in numbers:
        if n > 0:
            total += n
            count += 1
    if count == 0:
        return None
    return total / count


def range_of_list(numbers: list[float]) -> float | None:
    """Return the difference between the largest and the smallest number, or None for an empty list.

    - compute the spread between the biggest and smallest values
    - find the range of a list of numbers
    - subtract the minimum from the maximum of a list
    """
    if len(numbers) == 0:
        return None
    return max(numbers) - min(numbers)


def second_largest(numbers: list[int]) -> int | None:
    """Return the second largest distinct number in a list, or None when there is none.

    - find the second biggest value in a list
    - get the runner-up maximum of a list
    - return the next largest number after the maximum
    """
    best = None
    second = None
    for n in numbers:
        if best is None or n > best:
            if best is not None:
                second = best
            best = n
        elif n != best and (second is None or n > second):
            second = n
    return second


def index_of_max(numbers: list[float]) -> int:
    """Return the index of the first largest number, or -1 for an empty list.

    - find the position of the maximum in a list
    - get the index of the biggest value
    - locate where the largest number is
    """
    best = -1
    for i in range(len(numbers)):
        if best == -1 or numbers[i] > numbers[best]:
            best = i
    return best


def index_of_min(numbers: list[float]) -> int:
    """Return the index of the first smallest number, or -1 for an empty list.

    - find the position of the minimum in a list
    - get the index of the smallest value
    - locate where the lowest number is
    """
    best = -1
    for i in range(len(numbers)):
        if best == -1 or numbers[i] < numbers[best]:
            best = i
    return best


def first_negative(numbers: list[int]) -> int | None:
    """Return the first negative number in a list, or None.

    - find the first negative value in a list
    - get the first number below zero
    - return the earliest negative entry
    """
    for n in numbers:
        if n < 0:
            return n
    return None


def last_even(numbers: list[int]) -> int | None:
    """Return the last even number in a list, or None.

    - find the last even value in a list
    - get the final even number
    - return the latest even entry of a list
    """
    found = None
    for n in numbers:
        if n % 2 == 0:
            found = n
    return found


def index_of_first_negative(numbers: list[int]) -> int:
    """Return the index of the first negative number, or -1.

    - find where the first negative number is
    - get the position of the first value below zero
    - locate the first negative entry of a list
    """
    for i, n in enumerate(numbers):
        if n < 0:
            return i
    return -1


def count_above_mean(numbers: list[float]) -> int:
    """Count the numbers greater than the mean of the list.

    - count how many values are above the average
    - tally the numbers bigger than the mean
    - find how many entries exceed the list's average
    """
    if len(numbers) == 0:
        return 0
    total = 0
    for n in numbers:
        total += n
    mean = total / len(numbers)
    count = 0
    for n in numbers:
        if n > mean:
            count += 1
    return count


def sum_of_cubes(numbers: list[int]) -> int:
    """Return the sum of the cubes of the numbers in a list.

    - add up the cubes of a list of numbers
    - total each value raised to the third power
    - sum the cubed entries of a list
    """
    total = 0
    for n in numbers:
        total += n * n * n
    return total


def sum_of_absolutes(numbers: list[float]) -> float:
    """Return the sum of the absolute values of the numbers in a list.

    - add up the absolute values of a list
    - total the magnitudes of the numbers
    - sum each number without its sign
    """
    total = 0
    for n in numbers:
        total += abs(n)
    return total


def max_absolute(numbers: list[float]) -> float | None:
    """Return the largest absolute value in a list, or None for an empty list.

    - find the biggest magnitude in a list
    - get the largest absolute value
    - return the number farthest from zero, without its sign
    """
    best = None
    for n in numbers:
        if best is None or abs(n) > best:
            best = abs(n)
    return best


def count_in_range(numbers: list[int], low: int, high: int) -> int:
    """Count the numbers between low and high, inclusive.

    - count the values within a range
    - tally how many numbers lie between two bounds
    - find how many entries are between a lower and an upper limit
    """
    count = 0
    for n in numbers:
        if low <= n <= high:
            count += 1
    return count


def sum_greater_than(numbers: list[float], threshold: float) -> float:
    """Return the sum of the numbers greater than a threshold.

    - add up the values above a threshold
    - total the numbers bigger than a limit
    - sum the entries that exceed a given value
    """
    total = 0
    for n in numbers:
        if n > threshold:
            total += n
    return total


def count_less_than(numbers: list[float], threshold: float) -> int:
    """Count the numbers less than a threshold.

    - count the values below a threshold
    - tally the numbers smaller than a limit
    - find how many entries are under a given value
    """
    count = 0
    for n in numbers:
        if n < threshold:
            count += 1
    return count


def mean_above(numbers: list[float], threshold: float) -> float | None:
    """Return the mean of the numbers greater than a threshold, or None when there are none.

    - average the values above a threshold
    - compute the mean of the numbers bigger than a limit
    - find the average of the entries that exceed a given value
    """
    total = 0
    count = 0
    for n in numbers:
        if n > threshold:
            total += n
            count += 1
    if count == 0:
        return None
    return total / count


def average_of_ints(values: list[int]) -> float | None:
    """Return the average of a list of integers, or None for an empty list.

    - compute the average of a list of integers
    - find the arithmetic mean of whole numbers
    - average some integers
    """
    if len(values) == 0:
        return None
    total = 0
    for v in values:
        total += v
    return total / len(values)


def count_equal_to_first(numbers: list[int]) -> int:
    """Count how many numbers equal the first one.

    - count the values equal to the first element
    - tally repeats of the list's first number
    - find how many entries match the first item
    """
    if len(numbers) == 0:
        return 0
    count = 0
    for n in numbers:
        if n == numbers[0]:
            count += 1
    return count


def longest_increasing_run(numbers: list[int]) -> int:
    """Return the length of the longest run of strictly increasing neighbours.

    - find the longest increasing streak in a list
    - measure the longest run of rising values
    - get the length of the longest strictly increasing stretch
    """
    if len(numbers) == 0:
        return 0
    best = 1
    run = 1
    for i in range(1, len(numbers)):
        if numbers[i] > numbers[i - 1]:
            run += 1
        else:
            run = 1
        best = max(best, run)
    return best


def count_sign_changes(numbers: list[int]) -> int:
    """Count how often neighbouring numbers change sign (zero counts as neither).

    - count the sign changes in a list
    - tally how often values flip between positive and negative
    - find the number of sign switches between neighbours
    """
    count = 0
    last = 0
    for n in numbers:
        if n != 0:
            if last != 0 and (n > 0) != (last > 0):
                count += 1
            last = n
    return count


def running_max(numbers: list[float]) -> list[float]:
    """Return the running maximum of a list.

    - compute the running maximum of a list
    - list the largest value seen so far at each position
    - build the prefix maxima of a list
    """
    out = []
    best = None
    for n in numbers:
        if best is None or n > best:
            best = n
        out.append(best)
    return out


def differences(numbers: list[int]) -> list[int]:
    """Return the differences between neighbouring numbers.

    - compute the differences between consecutive numbers
    - list each value minus the one before it
    - build the pairwise steps of a list
    """
    out = []
    for i in range(1, len(numbers)):
        out.append(numbers[i] - numbers[i - 1])
    return out


def dot_self(numbers: list[int]) -> int:
    """Return the sum of each number times its position.

    - add up each value multiplied by its index
    - total the numbers weighted by their positions
    - compute a position-weighted sum of a list
    """
    total = 0
    for i, n in enumerate(numbers):
        total += i * n
    return total
