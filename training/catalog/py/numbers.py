"""numeric: everyday functions over numbers (Python references; the ANRF comes from the importer)."""


def square(x: float) -> float:
    """Return the square of a number.

    - square a number
    - multiply a number by itself
    - raise a value to the second power
    """
    return x * x


def cube(x: float) -> float:
    """Return the cube of a number.

    - cube a number
    - raise a value to the third power
    - multiply a number by itself three times
    """
    return x * x * x


def half(x: float) -> float:
    """Return half of a number.

    - halve a number
    - divide a value by two
    - get half of a number
    """
    return x / 2


def reciprocal(x: float) -> float | None:
    """Return one divided by a number, or None for zero.

    - compute the reciprocal of a number
    - divide one by a value
    - invert a number
    """
    if x == 0:
        return None
    return 1 / x


def average_of_three(a: float, b: float, c: float) -> float:
    """Return the average of three numbers.

    - average three numbers
    - compute the mean of three values
    - find the arithmetic mean of a, b and c
    """
    return (a + b + c) / 3


def max_of_three(a: float, b: float, c: float) -> float:
    """Return the largest of three numbers.

    - find the largest of three numbers
    - get the maximum of three values
    - return the biggest of a, b and c
    """
    return max(a, b, c)


def min_of_three(a: float, b: float, c: float) -> float:
    """Return the smallest of three numbers.

    - find the smallest of three numbers
    - get the minimum of three values
    - return the lowest of a, b and c
    """
    return min(a, b, c)


def median_of_three(a: float, b: float, c: float) -> float:
    """Return the middle one of three numbers.

    - find the median of three numbers
    - get the middle value of three
    - return the number between the other two
    """
    return a + b + c - max(a, b, c) - min(a, b, c)


def distance_1d(a: float, b: float) -> float:
    """Return the distance between two numbers on a line.

    - compute the distance between two numbers
    - get the absolute difference of two values
    - find how far apart two numbers are
    """
    return abs(a - b)


def percentage(part: float, whole: float) -> float | None:
    """Return part as a percentage of whole, or None when whole is zero.

    - compute what percentage one number is of another
    - express a part as a percent of a whole
    - get the percent share of a value
    """
    if whole == 0:
        return None
    return part / whole * 100


def percent_change(old: float, new: float) -> float | None:
    """Return the percentage change from old to new, or None when old is zero.

    - compute the percentage change between two values
    - get the percent increase or decrease
    - find how much a value grew in percent
    """
    if old == 0:
        return None
    return (new - old) / old * 100


def apply_discount(price: float, percent: float) -> float:
    """Return a price reduced by a percentage.

    - apply a percentage discount to a price
    - reduce a price by some percent
    - compute the sale price after a discount
    """
    return price - price * percent / 100


def add_tax(price: float, rate: float) -> float:
    """Return a price with a tax rate (in percent) added.

    - add sales tax to a price
    - compute a price including tax
    - increase a price by a tax percentage
    """
    return price + price * rate / 100


def is_multiple_of(n: int, k: int) -> bool:
    """Tell whether n is a multiple of k (false when k is zero).

    - check whether a number is a multiple of another
    - test if n is divisible by k
    - tell whether k divides n evenly
    """
    if k == 0:
        return False
    return n % k == 0


def sum_of_digits_squared(n: int) -> int:
    """Return the sum of the squares of the digits of a number.

    - add up the squares of the digits of a number
    - total each digit squared
    - sum the squared digits of an integer
    """
    n = abs(n)
    total = 0
    while n > 0:
        d = n % 10
        total += d * d
        n = n // 10
    return total


def reverse_digits(n: int) -> int:
    """Return the digits of a non-negative number in reverse order (the sign is kept).

    - reverse the digits of a number
    - write an integer backwards
    - flip the digit order of a number
    """
    sign = 1
    if n < 0:
        sign = -1
        n = -n
    out = 0
    while n > 0:
        out = out * 10 + n % 10
        n = n // 10
    return sign * out


def is_palindrome_number(n: int) -> bool:
    """Tell whether a number reads the same backwards (negative numbers never do).

    - check whether a number is a palindrome
    - test if an integer reads the same both ways
    - tell whether the digits of a number are symmetric
    """
    if n < 0:
        return False
    original = n
    out = 0
    while n > 0:
        out = out * 10 + n % 10
        n = n // 10
    return out == original


def largest_digit(n: int) -> int:
    """Return the largest digit of a number.

    - find the largest digit of a number
    - get the biggest digit of an integer
    - return the maximum digit
    """
    n = abs(n)
    best = n % 10
    while n > 0:
        best = max(best, n % 10)
        n = n // 10
    return best


def count_divisors(n: int) -> int:
    """Count the positive divisors of a number (0 for n < 1).

    - count the divisors of a number
    - find how many numbers divide n evenly
    - tally the factors of an integer
    """
    count = 0
    for d in range(1, n + 1):
        if n % d == 0:
            count += 1
    return count


def sum_of_divisors(n: int) -> int:
    """Return the sum of the positive divisors of a number smaller than itself.

    - add up the proper divisors of a number
    - total the factors of n below n
    - sum the divisors of an integer except itself
    """
    total = 0
    for d in range(1, n):
        if n % d == 0:
            total += d
    return total


def is_perfect(n: int) -> bool:
    """Tell whether a number equals the sum of its proper divisors.

    - check whether a number is perfect
    - test if n is the sum of its divisors
    - tell whether an integer is a perfect number
    """
    if n < 2:
        return False
    total = 0
    for d in range(1, n):
        if n % d == 0:
            total += d
    return total == n


def count_primes_below(n: int) -> int:
    """Count the prime numbers smaller than n.

    - count the primes below a number
    - tally the prime numbers under n
    - find how many primes are smaller than a limit
    """
    count = 0
    for k in range(2, n):
        prime = True
        d = 2
        while d * d <= k:
            if k % d == 0:
                prime = False
                break
            d += 1
        if prime:
            count += 1
    return count


def sum_of_multiples(n: int) -> int:
    """Return the sum of the numbers below n that are multiples of 3 or 5.

    - add up the multiples of three or five below n
    - total the numbers under a limit divisible by 3 or 5
    - sum the multiples of 3 and 5 smaller than a number
    """
    total = 0
    for k in range(n):
        if k % 3 == 0 or k % 5 == 0:
            total += k
    return total


def sum_of_squares_to_n(n: int) -> int:
    """Return 1² + 2² + ... + n².

    - add up the squares from one to n
    - total the first n square numbers
    - sum the squares of 1 through n
    """
    total = 0
    for k in range(1, n + 1):
        total += k * k
    return total


def triangular_number(n: int) -> int:
    """Return the n-th triangular number (0 for n < 1).

    - compute the n-th triangular number
    - add up the numbers from one to n
    - get the triangle number of n
    """
    if n < 1:
        return 0
    return n * (n + 1) // 2


def collatz_steps(n: int) -> int:
    """Count the Collatz steps from n down to 1 (0 for n < 2).

    - count the Collatz steps of a number
    - find how many halvings and triplings reach one
    - compute the length of the 3n+1 sequence
    """
    steps = 0
    while n > 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def nth_odd(n: int) -> int:
    """Return the n-th odd number, counting from 1.

    - get the n-th odd number
    - compute the odd number at a position
    - return 2n - 1
    """
    return 2 * n - 1


def round_down_to(x: int, step: int) -> int:
    """Round x down to a multiple of step (x itself when step is not positive).

    - round a number down to a multiple of a step
    - floor a value to the nearest lower multiple
    - snap an integer down to a grid
    """
    if step <= 0:
        return x
    return x // step * step


def round_up_to(x: int, step: int) -> int:
    """Round x up to a multiple of step (x itself when step is not positive).

    - round a number up to a multiple of a step
    - ceil a value to the next multiple
    - snap an integer up to a grid
    """
    if step <= 0:
        return x
    return -((-x) // step) * step


def seconds_to_hours(seconds: float) -> float:
    """Convert seconds to hours.

    - convert seconds to hours
    - turn a number of seconds into hours
    - express seconds in hours
    - how many hours a number of seconds is
    """
    return seconds / 3600


def minutes_to_seconds(minutes: float) -> float:
    """Convert minutes to seconds.

    - convert minutes to seconds
    - turn minutes into seconds
    - express a duration in minutes as seconds
    - how many seconds a number of minutes is
    """
    return minutes * 60


def inches_to_cm(inches: float) -> float:
    """Convert inches to centimeters.

    - convert inches to centimeters
    - turn inches into cm
    - express a length in inches as centimeters
    - change a length from inches to centimetres
    """
    return inches * 2.54


def pounds_to_kg(pounds: float) -> float:
    """Convert pounds to kilograms.

    - convert pounds to kilograms
    - turn lbs into kg
    - express a weight in pounds as kilograms
    - change a weight from pounds to kilos
    """
    return pounds * 0.45359237


def celsius_to_kelvin(celsius: float) -> float:
    """Convert degrees Celsius to kelvin.

    - convert Celsius to kelvin
    - turn a Celsius temperature into kelvin
    - express degrees Celsius in kelvin
    """
    return celsius + 273.15


def bmi(weight_kg: float, height_m: float) -> float | None:
    """Return the body-mass index for a weight and a height, or None for a non-positive height.

    - compute the body mass index
    - calculate BMI from weight and height
    - get weight divided by height squared
    """
    if height_m <= 0:
        return None
    return weight_kg / (height_m * height_m)


def hypotenuse_squared(a: float, b: float) -> float:
    """Return the square of the hypotenuse of a right triangle with legs a and b.

    - compute a squared plus b squared
    - get the squared length of a hypotenuse
    - add the squares of two legs
    """
    return a * a + b * b


def rectangle_area(width: float, height: float) -> float:
    """Return the area of a rectangle.

    - compute the area of a rectangle
    - multiply width by height
    - get a rectangle's surface
    """
    return width * height


def circle_area(radius: float) -> float:
    """Return the area of a circle.

    - compute the area of a circle
    - get pi times the radius squared
    - find a circle's surface from its radius
    """
    return 3.141592653589793 * radius * radius


def is_leap_year(year: int) -> bool:
    """Tell whether a year is a leap year in the Gregorian calendar.

    - check whether a year is a leap year
    - test if a year has a February 29
    - tell whether a year is divisible by four but not by a hundred, unless by four hundred
    """
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(month: int, leap: bool) -> int:
    """Return the number of days in a month (0 for an invalid month).

    - get the number of days in a month
    - find how long a month is
    - return 28, 29, 30 or 31 for a month number
    """
    if month < 1 or month > 12:
        return 0
    if month == 2:
        if leap:
            return 29
        return 28
    if month == 4 or month == 6 or month == 9 or month == 11:
        return 30
    return 31


def binary_digits(n: int) -> str:
    """Return the binary digits of a non-negative number ("0" for zero and below).

    - convert a number to binary
    - write an integer in base two
    - get the binary representation of a number
    """
    if n <= 0:
        return "0"
    out = ""
    while n > 0:
        out = str(n % 2) + out
        n = n // 2
    return out


def gcd_of_list(numbers: list[int]) -> int:
    """Return the greatest common divisor of a list of integers (0 for an empty list).

    - compute the gcd of a list of numbers
    - find the greatest common divisor of several integers
    - get the largest number dividing every value
    """
    result = 0
    for n in numbers:
        a = abs(result)
        b = abs(n)
        while b != 0:
            t = b
            b = a % b
            a = t
        result = a
    return result


def integer_sqrt(n: int) -> int:
    """Return the largest integer whose square is at most n (0 for n < 1).

    - compute the integer square root of a number
    - find the floor of the square root
    - get the biggest k with k times k at most n
    """
    k = 0
    while (k + 1) * (k + 1) <= n:
        k += 1
    return k
