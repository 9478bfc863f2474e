"""Marks of a whole lesson typed as one Telegram message, a faster way than tapping each student.

Two forms are understood, and one message must keep to one of them:

- roster order, «5 4 - 3»: one value per student in the order of the class (group) list, «-» or
  «.» for a student who gets no mark; fewer values than students leave the rest without marks.
  «0» is not a skip: on a five-point scale it would read as a (wrong) mark.
- pairs, «Иванов 5, Петрова 4»: a name (last name, with initials, or in full; case and «ё» do not
  matter) and a mark, one pair per line or separated by commas or semicolons.

The message is all or nothing. When anything is unclear, every problem is listed (in Russian,
quoting the piece of the message) and NO mark is returned, so that a half-understood message never
reaches the journal with some students silently missed or given another student's mark.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from core.model.people import full_name
from core.rules import mark_text_texts as texts
from core.rules.grading import (
    CURRENT_SPECIALS,
    SCALES,
    GradingScale,
    canonical_value,
    is_valid_current,
)
from core.rules.names import NameIndex, normalize, short_form

# Telegram allows 4096 characters; a class of 40 written as «Фамилия Имя Отчество 5» takes about
# 1,200. Anything longer is no lesson's marks, and refusing it before any parsing keeps a hostile
# message cheap.
MAX_CHARS = 2000
# The reply has to fit into one Telegram message and stay readable: the first problems are shown,
# the rest counted (the teacher resends after fixing these anyway).
MAX_PROBLEMS = 10
MAX_QUOTE = 60  # characters of the message a problem repeats

_DASHES = frozenset("-‐‑‒–—―−")  # a phone keyboard turns «-» into any of these
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_ITEM_SEPARATORS = re.compile(r"[,;]")
# «Иванов-5», «Иванов:5», «Иванов5», «Иванов А.5»: a mark glued to the name becomes a word.
_GLUED_MARK = re.compile(r"([^\W\d_])[-‐‑‒–—―−:.]?(\d)")
_DOUBLE_MARK = re.compile(r"\d[/\\|\-‐‑‒–—―−]\d")  # «5/4», «5-4»
_PLUS_MINUS = re.compile(r"[+\-‐‑‒–—―−]*\d[+\-‐‑‒–—―−]*")  # «5+», «4-», «+5»
# Words teachers use in paper journals that are no mark of any scale here. They are never read as a
# name, so «Иванов зач» says «не отметка» rather than «нет отметки после фамилии».
_MARKISH_WORDS = frozenset({"зач", "незач", "нб", "н/б", "отл", "хор", "уд", "удовл", "неуд"})
# Absence written where a mark stands. «н» and «б» are also initials («Иванов Н.»), so they count as
# absence only where no name can stand: in roster order.
_ABSENCE_WORDS = frozenset({"н", "б", "нб", "н/б"})


@dataclass(frozen=True)
class RosterEntry:
    student_id: int
    last_name: str
    first_name: str
    middle_name: str | None


@dataclass(frozen=True)
class ParsedMarks:
    """What a message says. ``marks`` are (student_id, canonical value) in roster order and are
    empty whenever ``problems`` are not: the caller stores all of them or nothing."""

    marks: list[tuple[int, str]]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_marks(text: str, roster: Sequence[RosterEntry], scale: GradingScale) -> ParsedMarks:
    """Read the marks of one lesson from a teacher's message; see the module's docstring."""
    # Measured before anything else touches the text, so the cost of a refusal does not grow.
    if len(text) > MAX_CHARS:
        return _refused(texts.TOO_LONG.format(length=len(text), limit=MAX_CHARS))
    items, gaps = _split(_clean(text))
    if not items:
        return _refused(texts.EMPTY)
    first_word = items[0][0]
    if _is_name_word(first_word) and not _is_absence(first_word):
        marks, problems = _read_pairs(items, roster, scale)
    else:
        marks, problems = _read_roster_order(items, gaps, roster, scale)
    if not problems and not marks:
        # «- - -» is understood, but a teacher who sends it surely expected something stored.
        problems = [texts.NOTHING]
    if problems:
        return ParsedMarks(marks=[], problems=_capped(problems))
    return ParsedMarks(marks=marks, problems=[])


# --- text into items ------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """One line break, no control or invisible format characters (zero-width spaces, bidi marks,
    soft hyphens pasted from elsewhere), colons as spaces, marks glued to names set apart."""
    chars: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char in _LINE_BREAKS:
            chars.append("\n")
        elif char == "\t":
            chars.append(" ")
        elif unicodedata.category(char) not in ("Cc", "Cf"):
            chars.append(char)
    return _GLUED_MARK.sub(r"\1 \2", "".join(chars).replace(":", " "))


def _split(text: str) -> tuple[list[list[str]], list[str]]:
    """Items (the words between line breaks, commas and semicolons) and the lines that leave an
    empty place between two commas, «5, , 4»: in roster order that may mean a skipped student, and
    dropping it silently would give everyone after it the mark of their neighbour."""
    items: list[list[str]] = []
    gaps: list[str] = []
    for line in text.split("\n"):
        parts = [part.split() for part in _ITEM_SEPARATORS.split(line)]
        filled = [index for index, words in enumerate(parts) if words]
        if filled and any(not parts[i] for i in range(filled[0], filled[-1] + 1)):
            gaps.append(" ".join(line.split()))
        items.extend(words for words in parts if words)
    return items, gaps


# --- words ----------------------------------------------------------------------------------------


def _bare(word: str) -> str:
    """A value without the full stop that ends a sentence: «5.» is «5»; «.» stays a skip."""
    return word.rstrip(".") or word


def _is_skip(word: str) -> bool:
    bare = _bare(word)
    return bare == "." or all(char in _DASHES for char in bare)


def _is_known_value(word: str) -> bool:
    """A value of any scale or a special one, so that «зачёт» on a five-point subject is a wrong
    mark rather than a name."""
    return any(canonical_value(scale, word) is not None for scale in SCALES.values())


def _is_name_word(word: str) -> bool:
    """A word that can be part of a person's name: letters and no digits, and no value."""
    if any(char.isdigit() for char in word) or not any(char.isalpha() for char in word):
        return False
    bare = _bare(word)
    return not _is_known_value(bare) and normalize(bare) not in _MARKISH_WORDS


def _is_absence(word: str) -> bool:
    return normalize(_bare(word)) in _ABSENCE_WORDS


@dataclass(frozen=True)
class _Reading:
    """One value read: ``value`` the canonical mark, ``problem`` why it is none; both None is a
    deliberate skip («-», «.»)."""

    value: str | None = None
    problem: str | None = None


def _read_value(word: str, scale: GradingScale, quoted: str) -> _Reading:
    """``quoted`` is what the problem quotes: the token itself or the whole pair «Иванов 6»."""
    if _is_skip(word):
        return _Reading()
    bare = _bare(word)
    allowed = ", ".join((*scale.values, *CURRENT_SPECIALS))
    value = canonical_value(scale, bare)
    if value is not None and is_valid_current(scale, value):
        return _Reading(value=value)
    if value is not None:  # «ОСВ», «НА», «отсрочка»: finals only
        template = texts.FINAL_ONLY
    elif normalize(bare) in _ABSENCE_WORDS:
        return _Reading(problem=texts.ABSENCE.format(what=quoted))
    elif _DOUBLE_MARK.fullmatch(bare):
        template = texts.DOUBLE_MARK
    elif _PLUS_MINUS.fullmatch(bare) and not bare.isdigit():
        template = texts.PLUS_MINUS
    else:
        template = texts.NOT_A_MARK
    return _Reading(problem=template.format(what=quoted, allowed=allowed))


# --- roster order ---------------------------------------------------------------------------------


def _read_roster_order(
    items: list[list[str]], gaps: list[str], roster: Sequence[RosterEntry], scale: GradingScale
) -> tuple[list[tuple[int, str]], list[str]]:
    mixed = _pair_in_roster_order(items, roster)
    if mixed is not None:
        return [], [mixed]
    marks: list[tuple[int, str]] = []
    problems = [texts.GAP.format(line=_quote(line.split())) for line in gaps]
    words = [word for item in items for word in item]
    for number, word in enumerate(words, start=1):
        reading = _read_value(word, scale, quoted=_quote([word]))
        if number <= len(roster):
            entry = roster[number - 1]
            if reading.problem is not None:
                name = short_form(entry.last_name, entry.first_name, entry.middle_name)
                problems.append(
                    texts.POSITION.format(number=number, name=name, problem=reading.problem)
                )
            elif reading.value is not None:
                marks.append((entry.student_id, reading.value))
        elif reading.problem is not None:
            problems.append(texts.POSITION_BEYOND.format(number=number, problem=reading.problem))
    if len(words) > len(roster):
        # First: an extra value usually means a missed skip somewhere, which shifts every mark.
        problems.insert(0, texts.TOO_MANY.format(values=len(words), students=len(roster)))
    return marks, problems


def _pair_in_roster_order(items: list[list[str]], roster: Sequence[RosterEntry]) -> str | None:
    """The mixed-form problem when a message in roster order also names students. A run of name
    words counts as a name when it is followed by a value («5 4 Иванов 3») or names someone in the
    roster («5 4 Иванов»); otherwise it is just a wrong value («5 4 Сидоров»: reported so)."""
    find = _Finder(roster)
    for item in items:
        run: list[str] = []
        # The "" closes a run that ends the item.
        for word in [*item, ""]:
            if word and _is_name_word(word) and not _is_absence(word):
                run.append(word)
                continue
            if run and (word or find(" ".join(run)) or any(find(part) for part in run)):
                values = _quote(items[0][: _leading_values(items[0])] or items[0][:1])
                pair = _quote([*run, word] if word else run)
                return texts.MIXED.format(values=values, pair=pair)
            run = []
    return None


def _leading_values(item: list[str]) -> int:
    for count, word in enumerate(item):
        if _is_name_word(word) and not _is_absence(word):
            return count
    return len(item)


# --- pairs «Фамилия отметка» ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Pair:
    name: str
    mark: str
    text: str  # as quoted in problems: «Иванов А. 5», «Иванов — 5»


def _read_pairs(
    items: list[list[str]], roster: Sequence[RosterEntry], scale: GradingScale
) -> tuple[list[tuple[int, str]], list[str]]:
    bare = next((item for item in items if not any(_is_name_word(word) for word in item)), None)
    if bare is not None:
        # A line of bare values among pairs: roster order mixed in. Nothing else is worth
        # reporting, the message has to be rewritten in one form.
        return [], [texts.MIXED.format(values=_quote(bare), pair=_quote(items[0]))]
    find = _Finder(roster)
    problems: list[str] = []
    values: dict[int, str] = {}
    named: dict[int, str] = {}  # student id → the pair that first named them
    for item in items:
        for piece in _pieces(item, find):
            if isinstance(piece, str):
                problems.append(piece)
                continue
            candidates = find(piece.name)
            student: int | None = None  # whom the pair gives a mark, once named without doubt
            if not candidates:
                problems.append(texts.UNKNOWN.format(pair=piece.text))
            elif len(candidates) > 1:
                problems.append(_ambiguity(piece, candidates, find))
            elif (student_id := candidates[0].student_id) in named:
                problems.append(
                    texts.DUPLICATE.format(
                        pair=piece.text,
                        student=_display(candidates[0], roster),
                        first=named[student_id],
                    )
                )
            else:
                named[student_id] = piece.text
                student = student_id
            reading = _read_value(piece.mark, scale, quoted=piece.text)
            if reading.problem is not None:
                problems.append(reading.problem)
            elif reading.value is not None and student is not None:
                values[student] = reading.value
    # Roster order, whatever order the teacher typed: callers and notices see a stable sequence.
    marks = [(e.student_id, values[e.student_id]) for e in roster if e.student_id in values]
    return marks, problems


def _pieces(item: list[str], find: _Finder) -> list[_Pair | str]:
    """The pairs of one item and its problems, in the order they stand. A line may hold several
    pairs («Иванов 5 Петрова 4»); a dash between a name and its mark is decoration («Иванов — 5»),
    while a dash in the mark's place is a skip."""
    pieces: list[_Pair | str] = []
    name: list[str] = []
    shown: list[str] = []
    for index, word in enumerate(item):
        following = item[index + 1] if index + 1 < len(item) else None
        if _is_name_word(word):
            name.append(word)
            shown.append(word)
        elif not name:
            pieces.append(texts.WITHOUT_NAME.format(item=_quote(item), value=_quote([word])))
        elif _is_skip(word) and following is not None and not _is_name_word(following):
            shown.append(word)
        else:
            pieces.append(_Pair(name=" ".join(name), mark=word, text=_quote([*shown, word])))
            name, shown = [], []
    if name:
        # «Петрова н»: a teacher marking absence. «н» is read as an initial until here, so it is
        # absence only when the name without it is someone and with it is no one.
        absent = len(name) > 1 and _is_absence(name[-1])
        if absent and find(" ".join(name[:-1])) and not find(" ".join(name)):
            pieces.append(texts.ABSENCE.format(what=_quote(shown)))
        else:
            pieces.append(texts.NO_MARK.format(name=_quote(shown)))
    return pieces


class _Finder:
    """Students a typed name may mean, in roster order. NameIndex knows full names and names with
    initials; a bare last name («Иванов») is looked up here, being what teachers type most."""

    def __init__(self, roster: Sequence[RosterEntry]) -> None:
        self._index: NameIndex[RosterEntry] = NameIndex()
        self._by_last: dict[str, list[RosterEntry]] = {}
        self._order = {id(entry): position for position, entry in enumerate(roster)}
        for entry in roster:
            self._index.add(entry, entry.last_name, entry.first_name, entry.middle_name)
            self._by_last.setdefault(normalize(entry.last_name), []).append(entry)

    def __call__(self, name: str) -> list[RosterEntry]:
        found = {id(e): e for e in self._index.lookup(name)}
        found.update({id(e): e for e in self._by_last.get(normalize(name), ())})
        return sorted(found.values(), key=lambda entry: self._order[id(entry)])


def _ambiguity(pair: _Pair, candidates: list[RosterEntry], find: _Finder) -> str:
    names = ", ".join(_display(entry, candidates) for entry in candidates)
    hint = _unique_form(candidates[0], find)
    if hint is None:
        return texts.AMBIGUOUS_TWINS.format(pair=pair.text, candidates=names)
    hint = _quote([hint, pair.mark])
    return texts.AMBIGUOUS.format(pair=pair.text, candidates=names, hint=hint)


def _unique_form(entry: RosterEntry, find: _Finder) -> str | None:
    """The shortest way to write the student that names no one else: «Иванов А.», then with the
    second initial, then the first name, then in full; None for namesakes in full."""
    last, first, middle = entry.last_name, entry.first_name, entry.middle_name
    forms = [f"{last} {first[:1]}.", f"{last} {first}"]
    if middle:
        forms[1:1] = [f"{last} {first[:1]}. {middle[:1]}."]
        forms.append(full_name(last, first, middle))
    for form in forms:
        if find(form) == [entry]:
            return form
    return None


def _display(entry: RosterEntry, among: Sequence[RosterEntry]) -> str:
    """«Иванов Артём»; in full when another of ``among`` has the same last and first name."""
    same = [e for e in among if (e.last_name, e.first_name) == (entry.last_name, entry.first_name)]
    if len(same) > 1:
        return full_name(entry.last_name, entry.first_name, entry.middle_name)
    return f"{entry.last_name} {entry.first_name}"


# --- the answer -----------------------------------------------------------------------------------


def _quote(words: Sequence[str]) -> str:
    """The piece of the message a problem quotes, shortened: a reply that repeats a 2,000-character
    line is neither readable nor within Telegram's limit."""
    text = " ".join(words)
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"


def _refused(problem: str) -> ParsedMarks:
    return ParsedMarks(marks=[], problems=[problem])


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], texts.MORE_PROBLEMS.format(count=rest)]
