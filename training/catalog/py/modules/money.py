"""Work with prices: add tax, apply a discount, split a bill and round to cents.

- a module of money helpers
- functions for taxes, discounts and splitting a bill
- price arithmetic utilities
"""


def with_tax(price: float, rate: float) -> float:
    return price + price * rate / 100


def discounted(price: float, percent: float) -> float:
    return price - price * percent / 100


def split_bill(total: float, people: int) -> float | None:
    if people <= 0:
        return None
    return total / people


def to_cents(amount: float) -> int:
    return round(amount * 100)
