"""class: small stateful classes; an instance is the dict of its fields, as ANRF passes `self` (Python references; the ANRF comes from the importer)."""


class Temperature:
    """Hold a temperature in Celsius and read it in other scales.

    - keep a temperature and convert it between Celsius and Fahrenheit
    - store a temperature reading with unit conversions
    - model a thermometer value that can be warmed and read in Fahrenheit
    """

    celsius: float

    @staticmethod
    def new(celsius: float) -> dict:
        return {"celsius": celsius}

    def fahrenheit(self) -> float:
        return self["celsius"] * 9 / 5 + 32

    def kelvin(self) -> float:
        return self["celsius"] + 273.15

    def warm(self, degrees: float) -> dict:
        self["celsius"] = self["celsius"] + degrees
        return self

    def is_freezing(self) -> bool:
        return self["celsius"] <= 0


class ShoppingCart:
    """Collect item prices and total them, with an optional discount.

    - keep a shopping cart of prices with a total
    - add items to a basket and compute what they cost
    - track a list of prices and apply a discount
    """

    prices: list[float]

    @staticmethod
    def new() -> dict:
        return {"prices": []}

    def add(self, price: float) -> dict:
        self["prices"].append(price)
        return self

    def total(self) -> float:
        total = 0
        for p in self["prices"]:
            total += p
        return total

    def count(self) -> int:
        return len(self["prices"])

    def total_with_discount(self, percent: float) -> float:
        total = 0
        for p in self["prices"]:
            total += p
        return total - total * percent / 100


class Scoreboard:
    """Record scores and report the best, the average and how many there are.

    - keep a list of scores with the best and the average
    - record game scores and report statistics
    - track points and find the highest one
    """

    scores: list[int]

    @staticmethod
    def new() -> dict:
        return {"scores": []}

    def record(self, score: int) -> dict:
        self["scores"].append(score)
        return self

    def best(self) -> int | None:
        if len(self["scores"]) == 0:
            return None
        return max(self["scores"])

    def average(self) -> float | None:
        if len(self["scores"]) == 0:
            return None
        total = 0
        for s in self["scores"]:
            total += s
        return total / len(self["scores"])

    def games(self) -> int:
        return len(self["scores"])
