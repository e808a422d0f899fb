"""Numeric functions and unit conversions.

References compute in the same order as the ANRF (`celsius * 9 / 5 + 32`, a loop
of multiplications for powers), so float results agree to the last bit. Integer
algorithms state their preconditions in the summary (factorial of n >= 0) and the
cases respect them.
"""

from __future__ import annotations

from anrf_lsp.program.builder import Function, Ref

from .common import function, returning

# -- bodies -----------------------------------------------------------------------------


def factorial_body(f: Function, n: Ref) -> None:
    result = f.var("result", "int", 1)
    with f.for_each(f.range(1, f.add(n, 1)), "i") as i:
        f.set(result, f.mul(result, i))
    f.return_(result)


def _factorial(n: int) -> int:
    result = 1
    for i in range(1, n + 1):
        result *= i
    return result


def _fibonacci_body(f: Function, n: Ref) -> None:
    current = f.var("current", "int", 0)
    following = f.var("following", "int", 1)
    with f.for_each(f.range(n), "step"):
        later = f.var("later", "int", f.add(current, following))
        f.set(current, following)
        f.set(following, later)
    f.return_(current)


def _fibonacci(n: int) -> int:
    current, following = 0, 1
    for _ in range(n):
        current, following = following, current + following
    return current


def euclid(f: Function, a: Ref, b: Ref) -> None:
    """while b != 0: a, b = b, a % b  (leaves the gcd, up to sign, in a)."""
    with f.while_(f.ne(b, 0)):
        remainder = f.var("remainder", "int", f.mod(a, b))
        f.set(a, b)
        f.set(b, remainder)


def gcd_body(f: Function, a: Ref, b: Ref) -> None:
    euclid(f, a, b)
    f.return_(f.abs(a))


def gcd(a: int, b: int) -> int:
    while b != 0:
        a, b = b, a % b
    return abs(a)


def _lcm_body(f: Function, a: Ref, b: Ref) -> None:
    with f.if_(f.or_(f.eq(a, 0), f.eq(b, 0))):
        f.return_(0)
    x = f.var("x", "int", f.abs(a))
    y = f.var("y", "int", f.abs(b))
    euclid(f, x, y)
    f.return_(f.floordiv(f.abs(f.mul(a, b)), x))


def lcm(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else abs(a * b) // gcd(a, b)


def is_prime_body(f: Function, n: Ref) -> None:
    with f.if_(f.lt(n, 2)):
        f.return_(False)
    divisor = f.var("divisor", "int", 2)
    with f.while_(f.le(f.mul(divisor, divisor), n)):
        with f.if_(f.eq(f.mod(n, divisor), 0)):
            f.return_(False)
        f.set(divisor, f.add(divisor, 1))
    f.return_(True)


def _is_prime(n: int) -> bool:
    if n < 2:
        return False
    divisor = 2
    while divisor * divisor <= n:
        if n % divisor == 0:
            return False
        divisor += 1
    return True


def _clamp_body(f: Function, value: Ref, low: Ref, high: Ref) -> None:
    with f.if_(f.lt(value, low)):
        f.return_(low)
    with f.if_(f.gt(value, high)):
        f.return_(high)
    f.return_(value)


def _abs_body(f: Function, x: Ref) -> None:
    with f.if_(f.lt(x, 0)):
        f.return_(f.neg(x))
    with f.else_():
        f.return_(x)


def power_body(f: Function, base: Ref, exponent: Ref) -> None:
    result = f.var("result", "number", 1)
    with f.for_each(f.range(exponent), "step"):
        f.set(result, f.mul(result, base))
    f.return_(result)


def power(base: float, exponent: int) -> float:
    result = 1
    for _ in range(exponent):
        result *= base
    return result


def _digit_sum_body(f: Function, n: Ref) -> None:
    f.set(n, f.abs(n))
    total = f.var("total", "int", 0)
    with f.while_(f.gt(n, 0)):
        f.set(total, f.add(total, f.mod(n, 10)))
        f.set(n, f.floordiv(n, 10))
    f.return_(total)


def _count_digits_body(f: Function, n: Ref) -> None:
    f.set(n, f.abs(n))
    count = f.var("count", "int", 1)
    with f.while_(f.ge(n, 10)):
        f.set(n, f.floordiv(n, 10))
        f.set(count, f.add(count, 1))
    f.return_(count)


def _sign_body(f: Function, x: Ref) -> None:
    with f.if_(f.gt(x, 0)):
        f.return_(1)
    with f.if_(f.lt(x, 0)):
        f.return_(-1)
    f.return_(0)


def _max_of_two_body(f: Function, a: Ref, b: Ref) -> None:
    with f.if_(f.ge(a, b)):
        f.return_(a)
    with f.else_():
        f.return_(b)


# -- cases ----------------------------------------------------------------------------


def _small_naturals(rng) -> list[list]:
    return [[0], [1], [2], [5], [10], *([rng.randint(0, 20)] for _ in range(3))]


def _int_pairs(rng) -> list[list]:
    return [[0, 0], [0, 5], [12, 18], [-4, 6], [7, -21], [17, 5], *([rng.randint(-60, 60), rng.randint(-60, 60)] for _ in range(3))]


def _primes(rng) -> list[list]:
    return [[-7], [0], [1], [2], [9], [97], [100], *([rng.randint(0, 200)] for _ in range(3))]


def _clamp_cases(rng) -> list[list]:
    out = [[5, 0, 10], [-3, 0, 10], [12, 0, 10], [0, 0, 0], [2.5, -1.5, 1.5]]
    for _ in range(3):
        low = rng.randint(-20, 10)
        out.append([rng.randint(-30, 30), low, low + rng.randint(0, 20)])
    return out


def _signed(rng) -> list[list]:
    return [[0], [7], [-7], [-0.5], [3.25], *([rng.randint(-100, 100)] for _ in range(3))]


def _powers(rng) -> list[list]:
    return [[2, 0], [2, 10], [0, 3], [-3, 3], [1.5, 4], *([rng.randint(-9, 9), rng.randint(0, 8)] for _ in range(3))]


def _integers(rng) -> list[list]:
    return [[0], [7], [10], [-345], [99999], *([rng.randint(-10**6, 10**6)] for _ in range(3))]


def _pairs(rng) -> list[list]:
    return [[1, 2], [2, 1], [3, 3], [-1.5, -2], *([rng.randint(-50, 50), rng.randint(-50, 50)] for _ in range(3))]


def _round_cases(rng) -> list[list]:
    fixed = [[2.5, 0], [3.14159, 2], [-1.005, 1], [1234.5678, -2], [7, 3]]
    return [*fixed, *([rng.randint(-10**5, 10**5) / 1000, rng.randint(0, 3)] for _ in range(3))]


def _temperatures(rng) -> list[list]:
    return [[0], [100], [-40], [37.5], *([rng.randint(-1000, 1000) / 10] for _ in range(3))]


def _amounts(rng) -> list[list]:
    return [[0], [1], [42.195], [-3], *([rng.randint(0, 10**5) / 100] for _ in range(3))]


def _conversion(key: str, name: str, unit_in: str, unit_out: str, factor: float, phrases: tuple[str, ...]):
    """value -> value * factor (a linear unit conversion)."""
    return function(
        key, "conversion", name, f"{unit_in}: float", "float",
        f"Convert a value in {unit_in.replace('_', ' ')} to {unit_out} (multiply by {factor}).",
        phrases, returning(lambda f, x: f.mul(x, factor)), lambda x: x * factor, _amounts, tags=("conversion", "units"),
    )


BEHAVIOURS = [
    function(
        "factorial", "numeric", "factorial", "n: int", "int",
        "Return n! for a non-negative integer n (0! is 1).",
        ("compute the factorial of a number", "multiply all the integers from 1 to n", "calculate n factorial",
         "return the product of the first n positive integers"),
        factorial_body, _factorial, _small_naturals, tags=("math",),
    ),
    function(
        "fibonacci", "numeric", "fibonacci", "n: int", "int",
        "Return the n-th Fibonacci number (fibonacci(0) is 0, fibonacci(1) is 1).",
        ("compute the n-th Fibonacci number", "return a term of the Fibonacci sequence", "calculate Fibonacci of n",
         "generate the Fibonacci number at a given position"),
        _fibonacci_body, _fibonacci, lambda rng: [*_small_naturals(rng), [30]], tags=("math", "sequence"),
    ),
    function(
        "gcd", "numeric", "gcd", "a: int, b: int", "int",
        "Return the greatest common divisor of two integers by Euclid's algorithm (gcd(0, 0) is 0).",
        ("compute the greatest common divisor of two numbers", "find the gcd of two integers",
         "calculate the highest common factor of two values", "apply Euclid's algorithm to two integers"),
        gcd_body, gcd, _int_pairs, complexity="O(log n)", tags=("math",),
    ),
    function(
        "lcm", "numeric", "lcm", "a: int, b: int", "int",
        "Return the least common multiple of two integers (0 when either is 0).",
        ("compute the least common multiple of two numbers", "find the lcm of two integers",
         "calculate the smallest common multiple of two values", "get the lowest number both integers divide"),
        _lcm_body, lcm, _int_pairs, complexity="O(log n)", tags=("math",),
    ),
    function(
        "is_prime", "numeric", "is_prime", "n: int", "bool",
        "Tell whether an integer is a prime number.",
        ("check whether a number is prime", "test if an integer is a prime", "determine whether n has no divisors but 1 and itself",
         "decide if a number is prime by trial division"),
        is_prime_body, _is_prime, _primes, complexity="O(sqrt(n))", tags=("math", "validation"),
    ),
    function(
        "clamp", "numeric", "clamp", "value: number, low: number, high: number", "number",
        "Limit a value to the range [low, high] (given low <= high).",
        ("clamp a value between a minimum and a maximum", "restrict a number to a range", "limit a value to given bounds",
         "keep a number within a lower and an upper limit"),
        _clamp_body, lambda v, lo, hi: lo if v < lo else min(v, hi), _clamp_cases, tags=("math",),
    ),
    function(
        "absolute_value", "numeric", "absolute_value", "x: number", "number",
        "Return the absolute value of a number.",
        ("compute the absolute value of a number", "return the magnitude of a value without its sign",
         "make a negative number positive", "get the distance of a number from zero"),
        _abs_body, abs, _signed, tags=("math",),
    ),
    function(
        "power", "numeric", "power", "base: number, exponent: int", "number",
        "Raise a number to a non-negative integer power by repeated multiplication.",
        ("raise a number to a power", "compute base to the exponent", "calculate the n-th power of a value",
         "multiply a number by itself a given number of times"),
        power_body, power, _powers, tags=("math",),
    ),
    function(
        "digit_sum", "numeric", "digit_sum", "n: int", "int",
        "Return the sum of the decimal digits of an integer (its sign is ignored).",
        ("add up the digits of a number", "compute the digit sum of an integer", "sum the decimal digits of a value",
         "return the total of all the digits in a number"),
        _digit_sum_body, lambda n: sum(int(d) for d in str(abs(n))), _integers, complexity="O(log n)", tags=("math",),
    ),
    function(
        "count_digits", "numeric", "count_digits", "n: int", "int",
        "Return how many decimal digits an integer has (its sign is ignored; 0 has one digit).",
        ("count the digits of a number", "find how many digits an integer has", "return the number of decimal digits of a value",
         "measure the length of a number in digits"),
        _count_digits_body, lambda n: len(str(abs(n))), _integers, complexity="O(log n)", tags=("math",),
    ),
    function(
        "sign", "numeric", "sign_of", "x: number", "int",
        "Return 1 for a positive number, -1 for a negative one and 0 for zero.",
        ("get the sign of a number", "return -1, 0 or 1 depending on a value's sign", "compute the signum of a number",
         "tell whether a number is positive, negative or zero as an integer"),
        _sign_body, lambda x: 1 if x > 0 else -1 if x < 0 else 0, _signed, tags=("math",),
    ),
    function(
        "sum_to_n", "numeric", "sum_to_n", "n: int", "int",
        "Return the sum of the integers from 1 to n for n >= 0, with the formula n(n+1)/2.",
        ("add up the integers from 1 to n", "compute the sum of the first n natural numbers", "calculate 1 + 2 + ... + n",
         "return the triangular number of n"),
        returning(lambda f, n: f.floordiv(f.mul(n, f.add(n, 1)), 2)), lambda n: n * (n + 1) // 2, _small_naturals, tags=("math",),
    ),
    function(
        "max_of_two", "numeric", "max_of_two", "a: number, b: number", "number",
        "Return the larger of two numbers.",
        ("return the larger of two numbers", "pick the bigger of two values", "find the maximum of a pair of numbers",
         "compare two numbers and give the greater one"),
        _max_of_two_body, lambda a, b: max(a, b), _pairs, tags=("math",),
    ),
    function(
        "round_to", "numeric", "round_to", "value: float, digits: int", "float",
        "Round a number to a given number of decimal places (halves to even, as Python's round).",
        ("round a number to a number of decimal places", "round a value to n digits after the point",
         "limit a float to a given precision", "round off a decimal number"),
        returning(lambda f, v, d: f.round(v, d)), round, _round_cases, tags=("math",),
    ),
    function(
        "celsius_to_fahrenheit", "conversion", "celsius_to_fahrenheit", "celsius: float", "float",
        "Convert a temperature from degrees Celsius to degrees Fahrenheit (celsius * 9 / 5 + 32).",
        ("convert celsius to fahrenheit", "turn a temperature in degrees Celsius into Fahrenheit",
         "change a Celsius reading to the Fahrenheit scale", "express a centigrade temperature in Fahrenheit"),
        returning(lambda f, c: f.add(f.div(f.mul(c, 9), 5), 32)), lambda c: c * 9 / 5 + 32, _temperatures,
        tags=("conversion", "temperature"),
    ),
    function(
        "fahrenheit_to_celsius", "conversion", "fahrenheit_to_celsius", "fahrenheit: float", "float",
        "Convert a temperature from degrees Fahrenheit to degrees Celsius ((fahrenheit - 32) * 5 / 9).",
        ("convert fahrenheit to celsius", "turn a temperature in degrees Fahrenheit into Celsius",
         "change a Fahrenheit reading to the Celsius scale", "express a Fahrenheit temperature in centigrade"),
        returning(lambda f, t: f.div(f.mul(f.sub(t, 32), 5), 9)), lambda t: (t - 32) * 5 / 9, _temperatures,
        tags=("conversion", "temperature"),
    ),
    _conversion("km_to_miles", "km_to_miles", "kilometers", "miles", 0.621371,
                ("convert kilometers to miles", "turn a distance in km into miles", "express kilometres in miles",
                 "change a metric distance to miles")),
    _conversion("miles_to_km", "miles_to_km", "miles", "kilometers", 1.609344,
                ("convert miles to kilometers", "turn a distance in miles into km", "express miles in kilometres",
                 "change a distance in miles to the metric system")),
    _conversion("kg_to_pounds", "kg_to_pounds", "kilograms", "pounds", 2.20462,
                ("convert kilograms to pounds", "turn a weight in kg into pounds", "express a mass in kilograms as pounds",
                 "change kilos to lbs")),
    _conversion("hours_to_minutes", "hours_to_minutes", "hours", "minutes", 60,
                ("convert hours to minutes", "turn a duration in hours into minutes", "express a number of hours in minutes",
                 "find how many minutes are in a number of hours")),
]
