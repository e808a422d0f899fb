"""Training text for intent analysis: (text, StructuredIntent) pairs phrased from
the behaviour catalog (shared/design.md §5).

Only a behaviour's descriptive fields are read (key, kind, name, summary, phrases,
params, return_type), so any catalog works. Texts come from named templates in
five families; whole templates can be held out so validation and test measure
phrasings the model never saw (`HELD_OUT_TEMPLATES`, `templates_for_split`).
Names are often random so a model learns to copy them from the text rather than
memorise them; constraints come from the same phrase table the rule parser
(anrf_lsp/intent/constraints.py) reads, so labels and parser agree by construction and
the tests check it. Everything is drawn from the given `random.Random`: the same
seed gives the same examples.

When intents are built into ANRF (generation data), pass `complexity=` (e.g.
`training.catalog.complexity`) so that no performance constraint promises a class
faster than the program has (the proof would fail with ANRF402).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from anrf_lsp.intent.constraints import parse_constraints
from anrf_lsp.intent.schema import UNKNOWN_OPERATION, Entity, EntityLabel, IntentConstraint, Parameter, StructuredIntent, Target
from training import phrasing_words as W
from training.behaviour import Behaviour

Family = Literal["imperative", "user_story", "code_comment", "question", "terse_spec"]
FAMILIES: tuple[Family, ...] = ("imperative", "user_story", "code_comment", "question", "terse_spec")
OUT_OF_SCOPE = "out_of_scope"  # the family (and intent_type) of out-of-scope examples
OUT_OF_SCOPE_FRACTION = 0.1
_KIND_LETTER = {"function": "f", "class": "c", "module": "m"}


@dataclass(frozen=True, slots=True)
class Template:
    """A phrasing with {slots} (see `_Render`); `kinds` holds f/c/m, `modify` marks modify_* requests."""

    id: str
    family: Family
    pattern: str
    kinds: str = "fcm"
    modify: bool = False


def _family(family: Family, rows: Sequence[tuple[Any, ...]]) -> list[Template]:
    return [Template(row[0], family, *row[1:]) for row in rows]


_TEMPLATE_LIST = [
    *_family(
        "imperative",
        [
            ("imp_write_that", "{write} {a_noun}{named} that {task_s}{cons}."),
            ("imp_write_to", "{write} {a_noun}{named} to {task}{takes}{returns}{cons}."),
            ("imp_params_first", "{write} {a_noun}{named}{takes}{returns} that {task_s}{cons}."),
            ("imp_bare", "{opener}{Task}{called}{cons}."),
            ("imp_in_noun", "{Task} in {a_noun}{named}{cons}."),
            ("imp_need", "I need {a_noun}{named} to {task}{cons}."),
            ("imp_please", "{opener}Please {task}{cons}."),
            ("imp_colon", "{write} {a_noun}{named}: {task}{cons}."),
            ("imp_name_first", "{write} `{name}`, {a_noun} that {task_s}{cons}."),
            ("imp_goal_first", "To {task}, {write_lower} {a_noun}{named}{takes}{returns}{cons}."),
            ("imp_mod_change", "Change `{name}` so that it also {task_s}{cons}.", "fc", True),
            ("imp_mod_update", "Update the {name} {noun} to {task}{cons}.", "fc", True),
            ("imp_mod_extend", "Extend {name} so it can {task}{cons}.", "fc", True),
            ("imp_mod_modify", "Modify `{name}` to {task} as well{cons}.", "fc", True),
        ],
    ),
    *_family(
        "user_story",
        [
            ("us_want_to", "As a {role}, I want to {task}{cons}."),
            ("us_want_noun", "As a {role} I want {a_noun}{named} that {task_s}{cons}, so that {benefit}."),
            ("us_need", "As a {role}, I need to be able to {task}{cons}."),
            ("us_benefit_first", "So that {benefit}, as a {role} I want to {task}{cons}."),
            ("us_i_want", "I want {a_noun}{named}{takes} that can {task}{cons}."),
            ("us_we_need", "We need {a_noun}{named} that {task_s}{returns}{cons} so that {benefit}."),
            ("us_story", "Story: {opener}users should be able to {task}{cons}."),
            ("us_mod_also", "As a {role}, I want `{name}` to also {task}{cons}.", "fc", True),
        ],
    ),
    *_family(
        "code_comment",
        [
            ("cc_todo_slash", "// TODO: {task}{called}{cons}"),
            ("cc_anrf_hash", "# anrf: {task}{called}{takes}{returns}{cons}"),
            ("cc_anrf_dash", "-- anrf: {noun} {name}: {task}{cons}"),
            ("cc_anrf_block", "/* anrf: {a_noun}{named} that {task_s}{cons} */"),
            ("cc_docstring", '"""{Task}{takes}{returns}{cons}."""'),
            ("cc_todo_who", "# TODO({who}): add {a_noun}{named} to {task}{cons}"),
            ("cc_name_first", "// anrf: `{name}` should {task}{cons}"),
            ("cc_mod_todo", "# TODO: change `{name}` so it also {task_s}{cons}", "fc", True),
            ("cc_mod_fixme", "// FIXME: {name} should also {task}{cons}", "fc", True),
        ],
    ),
    *_family(
        "question",
        [
            ("q_can_you", "{opener}Can you {task}{cons}?"),
            ("q_how_do_i", "{opener}How do I {task}{cons}?"),
            ("q_could_write", "Could you {write_lower} {a_noun}{named} that {task_s}{cons}?"),
            ("q_is_there", "{opener}Is there a way to {task}{takes}{cons}?"),
            ("q_best_way", "{opener}What's the best way to {task}{cons}?"),
            ("q_can_i_get", "Can I get {a_noun}{named}{takes}{returns} that {task_s}{cons}?"),
            ("q_how_write_name", "How would I write `{name}` to {task}{cons}?"),
            ("q_mod_change", "Can you change `{name}` so that it also {task_s}{cons}?", "fc", True),
            ("q_mod_update", "Could you update the {name} {noun} to {task}{cons}?", "fc", True),
        ],
    ),
    *_family(
        "terse_spec",
        [
            ("ts_fn_sig", "fn {name}({typed}) -> {ret}: {task}{cons}", "f"),
            ("ts_def_sig", "def {name}({typed}) -> {ret}: {task}{cons}", "f"),
            ("ts_ts_sig", "function {name}({typed}): {ret} — {task}{cons}", "f"),
            ("ts_c_sig", "{ret} {name}({ctyped}) // {task}{cons}", "f"),
            ("ts_args_only", "{name}({args}) -> {ret}: {task}{cons}", "f"),
            ("ts_task_first", "{task} -> {name}({args}){cons}", "f"),
            ("ts_name_colon", "{name}: {task_s}{cons}"),
            ("ts_kind_name", "{noun} {name} - {task}{cons}"),
            ("ts_class", "class {name}: {task}{cons}", "c"),
            ("ts_module", "module {name}: {task}{cons}", "m"),
        ],
    ),
]
TEMPLATES: dict[str, Template] = {t.id: t for t in _TEMPLATE_LIST}
OUT_OF_SCOPE_TEMPLATES: tuple[str, ...] = tuple(tid for tid, _ in W.OUT_OF_SCOPE_PATTERNS)

# One create template per family (each fits every kind), one modify template and two
# out-of-scope patterns per held-out split; training uses all the others.
HELD_OUT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "validation": ("imp_colon", "us_i_want", "cc_anrf_block", "q_best_way", "ts_kind_name", "imp_mod_extend", "oos_rain", "oos_poem"),
    "test": (
        "imp_goal_first",
        "us_benefit_first",
        "cc_todo_who",
        "q_can_i_get",
        "ts_name_colon",
        "cc_mod_fixme",
        "oos_git_diff",
        "oos_recommend",
    ),
}


def templates_for_split(split: str) -> tuple[str, ...]:
    """Template ids (in-scope and out-of-scope) to phrase a split with: "train" gets every
    template not held out, "validation" and "test" their `HELD_OUT_TEMPLATES`."""
    if split != "train":
        return HELD_OUT_TEMPLATES[split]
    held = {tid for ids in HELD_OUT_TEMPLATES.values() for tid in ids}
    return tuple(tid for tid in (*TEMPLATES, *OUT_OF_SCOPE_TEMPLATES) if tid not in held)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: StructuredIntent
    template: str  # template id (TEMPLATES or OUT_OF_SCOPE_TEMPLATES)
    family: str  # one of FAMILIES, or OUT_OF_SCOPE
    behaviour: str  # behaviour key, or UNKNOWN_OPERATION

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent.model_dump(mode="json"),
            "template": self.template,
            "family": self.family,
            "behaviour": self.behaviour,
        }


# -- rendering -----------------------------------------------------------------------------------

_Piece = tuple[str, EntityLabel | None]
_Groups = dict[str, list[Callable[[random.Random], tuple[str, str, str]]]]  # group -> makers of (surface, type, spec)
_SLOT = re.compile(r"(\{\w+\})")
_BRACKETS = re.compile(r"^(.*)\[(.*)\](.*)$")
_VALUE_MARK = re.compile(r"⟦(.*?)⟧")


class _Render:
    """Fills one template for one behaviour, piece by piece: each piece is text with an entity
    label or None, and the slot methods (`_slot_<name>`) record what the label must say."""

    def __init__(self, b: Behaviour, template: Template, phrase: str, groups: _Groups, rng: random.Random) -> None:
        self.b, self.template, self.phrase, self.groups, self.rng = b, template, phrase, groups, rng
        self.pieces: list[_Piece] = []
        self.name = b.name
        self.params = [(p.name, p.type) for p in b.params]
        self.params_decided = False
        self.params_stated = False
        self.constraints: list[IntentConstraint] = []
        self.lower_next = False  # after an opener ("hey, "), the sentence goes on in lower case

    def render(self) -> list[_Piece]:
        for part in _SLOT.split(self.template.pattern):
            if part.startswith("{"):
                getattr(self, f"_slot_{part[1:-1]}")()
            else:
                self.add(part)
        return self.pieces

    def add(self, text: str, label: EntityLabel | None = None) -> None:
        if text:
            if self.lower_next and label is None:
                text = _lower_first(text)
            self.lower_next = False
            self.pieces.append((text, label))

    def choice(self, options: Sequence[Any]) -> Any:
        return self.rng.choice(options)

    # words
    def _slot_write(self) -> None:
        self.add(self.choice(W.WRITE))

    def _slot_write_lower(self) -> None:
        self.add(_lower_first(self.choice(W.WRITE)))

    def _slot_a_noun(self) -> None:
        self.add(self.choice(W.A_NOUN[self.b.kind]))

    def _slot_noun(self) -> None:
        self.add(self.choice(W.NOUN[self.b.kind]))

    def _slot_role(self) -> None:
        self.add(self.choice(W.ROLES))

    def _slot_benefit(self) -> None:
        self.add(self.choice(W.BENEFITS))

    def _slot_opener(self) -> None:
        if self.rng.random() < 0.5:
            self.add(self.choice(W.OPENERS))
            self.lower_next = True

    def _slot_who(self) -> None:
        self.add(self.choice(W.WHO))

    # the task
    def add_task(self, text: str) -> None:
        """The task phrase; a literal operand marked `⟦10⟧` becomes a VALUE entity."""
        for i, part in enumerate(_VALUE_MARK.split(text)):
            self.add(part, "VALUE" if i % 2 else None)

    def _slot_task(self) -> None:
        self.add_task(self.phrase)

    def _slot_task_s(self) -> None:
        self.add_task(_third_person(self.phrase))

    def _slot_Task(self) -> None:  # capitalized like the slot in the patterns
        self.add_task(self.phrase[0].upper() + self.phrase[1:])

    # the target name
    def _slot_name(self) -> None:
        """Random names 60% of the time (always for modify: the thing exists already)."""
        if self.template.modify or self.b.category == "compose" or self.rng.random() < 0.6:  # composed: its default name spells its parts
            self.name = _random_name(self.b.kind, self.rng)
        self.add(self.name, "NAME")

    def _slot_named(self, forms: Sequence[str] = W.NAMED) -> None:
        if self.rng.random() < 0.5:
            before, after = self.choice(forms).split("{}")
            self.add(before)
            self._slot_name()
            self.add(after)

    def _slot_called(self) -> None:
        self._slot_named(W.CALLED)

    # parameters and result
    def _param_names(self) -> list[tuple[str, str]]:
        """The parameters as stated: renamed half the time, unless the task phrase names them."""
        if not self.params_decided:
            self.params_decided = True
            named_in_phrase = any(re.search(rf"\b{re.escape(n)}\b", self.phrase) for n, _ in self.params)
            if not named_in_phrase and self.rng.random() < 0.5:
                self.params = _random_params(self.params, self.rng)
        self.params_stated = True
        return self.params

    def _param_list(self, render: Callable[[str, str], None], prose: bool = False) -> None:
        params = self._param_names()
        last_joiner = self.choice((" and ", ", ")) if prose else ", "
        for i, (name, type_) in enumerate(params):
            if i:
                self.add(last_joiner if i == len(params) - 1 else ", ")
            render(name, type_)

    def _slot_takes(self) -> None:
        if not self.b.params or self.rng.random() >= 0.5:
            return
        singular, plural = self.choice(W.TAKES)
        self.add(singular if len(self.b.params) == 1 else plural)
        self._param_list(self.choice((self._param_bare, self._param_paren, self._param_colon, self._param_article)), prose=True)

    def _param_bare(self, name: str, _type: str) -> None:
        self.add(name, "PARAM")

    def _param_paren(self, name: str, type_: str) -> None:
        self.add(name, "PARAM")
        self.add(" (")
        self.add(self.choice(W.PROSE_TYPES[type_])[1], "TYPE")
        self.add(")")

    def _param_colon(self, name: str, type_: str) -> None:
        self.add(name, "PARAM")
        self.add(": ")
        self.add(self.choice(W.CODE_TYPES[type_]), "TYPE")

    def _param_article(self, name: str, type_: str) -> None:
        article, words = self.choice(W.PROSE_TYPES[type_])
        self.add(article)
        self.add(words, "TYPE")
        self.add(" ")
        self.add(name, "PARAM")

    def _param_c(self, name: str, type_: str) -> None:
        self.add(self.choice(W.CODE_TYPES[type_]), "TYPE")
        self.add(" ")
        self.add(name, "PARAM")

    def _slot_args(self) -> None:
        self._param_list(self._param_bare)

    def _slot_typed(self) -> None:
        self._param_list(self._param_colon)

    def _slot_ctyped(self) -> None:
        self._param_list(self._param_c)

    def _slot_returns(self) -> None:
        if self.b.kind != "function" or self.b.return_type == "any" or self.rng.random() >= 0.4:
            return
        self.add(self.choice(W.RETURNS_AFTER_TAKES if self.params_stated else W.RETURNS_ALONE))
        article, words = self.choice(W.PROSE_TYPES[self.b.return_type])
        self.add(article)
        self.add(words, "TYPE")

    def _slot_ret(self) -> None:
        self.add(self.choice(W.CODE_TYPES[self.b.return_type]), "TYPE")

    # constraints
    def _slot_cons(self) -> None:
        count = self.rng.choices((0, 1, 2), weights=(50, 33, 17))[0]
        if not count:
            return
        self.add(self.choice(W.CONSTRAINT_LEADS))
        for i, (surface, type_, spec) in enumerate(_pick_constraints(self.groups, count, self.rng)):
            if i:
                self.add(self.choice(W.CONSTRAINT_JOINERS))
            prefix, span, suffix = _BRACKETS.match(surface).groups()  # type: ignore[union-attr]
            self.add(prefix)
            self.add(span, "CONSTRAINT")
            self.add(suffix)
            self.constraints.append(IntentConstraint(type=type_, description=span, formal_spec=spec))


def _lower_first(s: str) -> str:
    """'Write' -> 'write', but acronyms stay ('UTF-8 ...')."""
    return s if len(s) > 1 and s[1].isupper() else s[:1].lower() + s[1:]


_IRREGULAR = {"be": "is", "have": "has", "do": "does", "go": "goes"}


def _third_person(phrase: str) -> str:
    """'find the max' -> 'finds the max' (for "a function that ...")."""
    verb, space, rest = phrase.partition(" ")
    if verb in _IRREGULAR:
        verb = _IRREGULAR[verb]
    elif re.search(r"(s|sh|ch|x|z|o)$", verb):
        verb += "es"
    elif re.search(r"[^aeiou]y$", verb):
        verb = verb[:-1] + "ies"
    else:
        verb += "s"
    return verb + space + rest


def _random_name(kind: str, rng: random.Random) -> str:
    verb, adj, noun = rng.choice(W.NAME_VERBS), rng.choice(W.NAME_ADJECTIVES), rng.choice(W.NAME_NOUNS)
    if kind == "class":
        return rng.choice((noun.capitalize(), adj.capitalize(), adj.capitalize() + noun.capitalize())) + rng.choice(W.CLASS_SUFFIXES)
    if kind == "module":
        return f"{rng.choice((noun, adj))}_{rng.choice(W.MODULE_SUFFIXES)}"
    return rng.choice((f"{verb}_{noun}", f"{adj}_{noun}", f"{verb}_{adj}_{noun}"))


def _random_params(params: list[tuple[str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """Fresh snake_case names of the same types, all different."""
    out: list[tuple[str, str]] = []
    for _, type_ in params:
        pool_key = type_ if type_ in W.PARAM_NAMES else "list" if type_.startswith("list") else "any"
        taken = {n for n, _ in out}
        free = [n for n in W.PARAM_NAMES[pool_key] if n not in taken]
        out.append((rng.choice(free) if free else f"arg{len(out)}", type_))
    return out


_COMPLEXITY_ORDER = ("O(1)", "O(log n)", "O(sqrt n)", "O(n)", "O(n log n)", "O(n^2)")


def _constraint_groups(b: Behaviour, floor: str | None) -> _Groups:
    """The constraint makers that fit `b`, by group. With a `floor` (the time complexity of the
    behaviour's program), complexity classes below it are left out: the ANRF built from the intent
    would contradict them (ANRF402)."""
    letter = _KIND_LETTER[b.kind]
    groups: _Groups = {}
    for group, kinds, type_, spec, surfaces in W.FIXED_CONSTRAINTS:
        if letter in kinds and (group != "complexity" or _at_least(spec, floor)):
            groups.setdefault(group, []).append(lambda r, t=type_, s=spec, f=surfaces: (r.choice(f), t, s))
    if "empty" in groups:
        for type_key in ("list", "str"):
            if any(p.type.startswith(type_key) for p in b.params):
                groups["empty"].append(lambda r, f=W.EMPTY_BY_TYPE[type_key]: (r.choice(f), "safety", "handles_empty"))
    groups.update(time=[_time_budget], memory=[_memory_budget], version=[_version])
    return groups


def _at_least(spec: str, floor: str | None) -> bool:
    """Whether complexity class `spec` is `floor` or slower (any class when there is no floor;
    none when the floor is not one of _COMPLEXITY_ORDER, e.g. O(2^n))."""
    if floor is None:
        return True
    found = parse_constraints(floor)
    floor_spec = found[0][0].formal_spec if found else floor
    return floor_spec in _COMPLEXITY_ORDER and _COMPLEXITY_ORDER.index(spec) >= _COMPLEXITY_ORDER.index(floor_spec)


def _pick_constraints(groups: _Groups, count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """`count` constraint surfaces ("in [O(n)]", type, formal_spec) from different groups."""
    names = list(groups)
    picked: list[tuple[str, str, str]] = []
    for _ in range(count):
        group = rng.choices(names, weights=[W.CONSTRAINT_WEIGHTS.get(n, 1) for n in names])[0]
        names.remove(group)
        picked.append(rng.choice(groups[group])(rng))
    return picked


def _time_budget(rng: random.Random) -> tuple[str, str, str]:
    scale = rng.choice(("ms", "ms", "s", "us"))
    value, unit = rng.choice(W.TIME_VALUES[scale]), rng.choice(W.TIME_UNITS[scale])
    unit = _singular(unit, value)
    amount = f"{value}{'' if len(unit) <= 2 and rng.random() < 0.4 else ' '}{unit}"
    budget = f"{amount} or less" if rng.random() < 0.15 else f"{rng.choice(W.TIME_BUDGETS)} {amount}"
    return f"{rng.choice(W.TIME_LEADS)}[{budget}]", "performance", f"time<={value}{scale}"


def _singular(unit: str, value: int) -> str:
    """'1 seconds' -> '1 second' (long unit names only)."""
    return unit.removesuffix("s") if value == 1 and len(unit) > 3 else unit


def _memory_budget(rng: random.Random) -> tuple[str, str, str]:
    value, (unit, norm) = rng.choice(W.MEMORY_VALUES), rng.choice(W.MEMORY_UNITS)
    unit = _singular(unit, value)
    amount = f"{value}{'' if len(unit) <= 3 and rng.random() < 0.4 else ' '}{unit}{rng.choice(W.MEMORY_TAILS)}"
    return f"{rng.choice(W.MEMORY_LEADS)}[{rng.choice(W.MEMORY_BUDGETS)} {amount}]", "resource", f"memory<={value}{norm}"


def _version(rng: random.Random) -> tuple[str, str, str]:
    minor, year, node = rng.randint(6, 13), rng.randint(2015, 2022), rng.choice((14, 16, 18, 20, 22))
    surface, spec = rng.choice(
        (
            (f"Python 3.{minor}+", f"python>=3.{minor}"),
            (f"Python 3.{minor} or later", f"python>=3.{minor}"),
            (f"Python >= 3.{minor}", f"python>=3.{minor}"),
            (f"python3.{minor}", f"python==3.{minor}"),
            (f"Python 3.{minor}", f"python==3.{minor}"),
            (f"at least Python 3.{minor}", f"python>=3.{minor}"),
            (f"ES{year}", f"ecmascript=={year}"),
            (f"ECMAScript {year}", f"ecmascript=={year}"),
            (f"ES{year}+", f"ecmascript>={year}"),
            (f"ES{year - 2009}", f"ecmascript=={year}"),
            (f"Node {node}+", f"node>={node}"),
            (f"Node.js {node}", f"node=={node}"),
            (f"Node.js {node} or newer", f"node>={node}"),
        )
    )
    return f"{rng.choice(W.VERSION_LEADS)}[{surface}]", "compatibility", spec


def _noise(pieces: list[_Piece], rng: random.Random) -> list[_Piece]:
    """Casing and punctuation noise on the unlabelled pieces (labelled ones stay verbatim)."""
    pieces = list(pieces)
    roll = rng.random()
    if roll < 0.08:
        pieces = [(t if label else t.lower(), label) for t, label in pieces]
    elif roll < 0.2 and pieces[0][1] is None:
        pieces[0] = (_lower_first(pieces[0][0]), None)
    last, label = pieces[-1]
    if label is None and last[-1] in ".?" and rng.random() < 0.15:
        pieces[-1] = (last[:-1], None)
    if rng.random() < 0.04:
        pieces.append((rng.choice((" pls", " :)", " please", " thx")), None))
    return pieces


def _phrases(b: Behaviour) -> list[str]:
    """The task phrases (phrases and summary), lower-cased, without those the constraint
    parser would read a constraint in (labels must hold only the constraints we insert)."""
    raw = [*b.phrases, b.summary]
    out: list[str] = []
    for p in raw:
        p = _lower_first(p.strip().rstrip("."))
        if p and p not in out and not parse_constraints(_VALUE_MARK.sub(r"\1", p)):
            out.append(p)
    if not out:
        raise ValueError(f"behaviour {b.key!r}: every phrase states a constraint; add one that does not")
    return out


def _example(b: Behaviour, template: Template, phrase: str, groups: _Groups, rng: random.Random) -> Example:
    r = _Render(b, template, phrase, groups, rng)
    pieces = _noise(r.render(), rng)
    text, entities, offset = "", [], 0
    for piece, label in pieces:
        if label:
            entities.append(Entity(label=label, start=offset, end=offset + len(piece), text=piece))
        text += piece
        offset += len(piece)
    intent_type = f"{'modify' if template.modify else 'create'}_{b.kind}"
    params = [Parameter(name=n, type=t) for n, t in r.params] if b.kind == "function" else []
    intent = StructuredIntent(
        version=2 if b.tree is not None else 1,
        intent_type=intent_type,  # type: ignore[arg-type]
        target=Target(kind=b.kind, name=r.name),
        parameters=params,
        return_type=b.return_type,
        operation=UNKNOWN_OPERATION if b.tree is not None else b.key,
        behaviour=b.tree,
        entities=entities,
        constraints=r.constraints,
        description=text,
        confidence=1.0,
    )
    return Example(text, intent, template.id, template.family, b.key)


def _selection(templates: Iterable[str] | None, known: Sequence[str]) -> list[str]:
    if templates is None:
        return list(known)
    chosen = set(templates)
    return [tid for tid in known if tid in chosen]


def generate_examples(
    behaviours: Iterable[Behaviour],
    rng: random.Random,
    per_behaviour: int,
    templates: Iterable[str] | None = None,
    complexity: Callable[[Behaviour], str] | None = None,
) -> list[Example]:
    """`per_behaviour` examples for each behaviour, in order, phrased with `templates`
    (TEMPLATES ids; default all). About 15% of function/class examples are modify_* requests
    when the selection has modify templates.

    `complexity` gives the time complexity of a behaviour's program ("O(n)", e.g.
    `training.catalog.complexity`); pass it when the intents are built into ANRF, so that
    no performance constraint promises less. Without it any class may be stated."""
    ids = _selection(templates, list(TEMPLATES))
    out: list[Example] = []
    for b in behaviours:
        phrases = _phrases(b)
        groups = _constraint_groups(b, complexity(b) if complexity else None)
        fitting = [TEMPLATES[tid] for tid in ids if _KIND_LETTER[b.kind] in TEMPLATES[tid].kinds]
        create = [t for t in fitting if not t.modify]
        modify = [t for t in fitting if t.modify]
        if not create:
            raise ValueError(f"no selected template fits a {b.kind} (behaviour {b.key!r})")
        for _ in range(per_behaviour):
            pool = modify if modify and rng.random() < 0.15 else create
            out.append(_example(b, rng.choice(pool), rng.choice(phrases), groups, rng))
    return out


def out_of_scope_examples(rng: random.Random, n: int, templates: Iterable[str] | None = None) -> list[Example]:
    """`n` texts this tool does not serve (chit-chat, unrelated requests), labelled out_of_scope."""
    ids = set(_selection(templates, OUT_OF_SCOPE_TEMPLATES))
    patterns = [(tid, p) for tid, p in W.OUT_OF_SCOPE_PATTERNS if tid in ids]
    if n and not patterns:
        raise ValueError("no out-of-scope template selected")
    out: list[Example] = []
    for _ in range(n):
        tid, pattern = rng.choice(patterns)
        filled = re.sub(r"\{(\w+)\}", lambda m: rng.choice(W.OOS_SLOTS[m.group(1)]), pattern)
        if rng.random() < 0.3:
            filled = rng.choice(W.OPENERS) + filled
        if rng.random() < 0.4:
            filled = filled[0].upper() + filled[1:]
        text = "".join(t for t, _ in _noise([(filled, None)], rng))
        intent = StructuredIntent(intent_type="out_of_scope", operation=UNKNOWN_OPERATION, description=text, confidence=1.0)
        out.append(Example(text, intent, tid, OUT_OF_SCOPE, UNKNOWN_OPERATION))
    return out


def generate_dataset(
    behaviours: Iterable[Behaviour],
    rng: random.Random,
    per_behaviour: int,
    templates: Iterable[str] | None = None,
    out_of_scope_fraction: float = OUT_OF_SCOPE_FRACTION,
    complexity: Callable[[Behaviour], str] | None = None,
) -> list[Example]:
    """In-scope examples plus `out_of_scope_fraction` of out-of-scope ones, shuffled;
    `templates` may mix TEMPLATES and OUT_OF_SCOPE_TEMPLATES ids (see `templates_for_split`)."""
    examples = generate_examples(behaviours, rng, per_behaviour, templates, complexity)
    n_oos = round(len(examples) * out_of_scope_fraction / (1 - out_of_scope_fraction))
    examples += out_of_scope_examples(rng, n_oos, templates)
    rng.shuffle(examples)
    return examples
