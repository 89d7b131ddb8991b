"""Generated records in the label, note, date and page styles of many archives (not only the
samples' frames): whatever the style, every turn is found, every note stands at its marker,
and the date is read."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edition.model import NoteRef, Turn
from edition.readers import read_source

SPEAKERS = [("Henry A. Kissinger", "Kissinger"), ("Anatoly Dobrynin", "Dobrynin"), ("Chou En-lai", "Chou")]
LABEL_STYLES = {
    "plain": lambda full, short: f"{short}:",
    "caps": lambda full, short: f"{short.upper()}:",
    "titled": lambda full, short: f"Dr. {short}:",
    "letter": lambda full, short: f"{short[0]}:",
}
DATE_STYLES = ["July 27, 1970", "27 July 1970", "27th July, 1970", "27.VII.1970"]
SENTENCES = st.sampled_from(["We should meet again soon.", "That is the right way to put it.",
                             "I will send Colonel Kennedy over.", "What does mutual mean?",
                             "Same as before, and in the same context."])


def _record(route: str, label_style: str, date: str, turns: list[tuple[int, str, bool]]) -> str:
    participants = "PARTICIPANTS:\n" + "\n".join(f"{full}, Delegate" for full, _ in SPEAKERS)
    label = LABEL_STYLES[label_style]
    body, notes = [], []
    for index, (who, sentence, noted) in enumerate(turns):
        full, short = SPEAKERS[who]
        marker = ""
        if noted:
            n = len(notes) + 1
            marker = {"markdown": f"[^{n}]", "web": f"[{n}]", "pdf": f"[{n}]"}[route]
            notes.append((n, f"A note on turn {index + 1}."))
        text = f"{label(full, short)} {sentence[:-1]}{marker}{sentence[-1]}"
        body.append(f"**{text.split(':', 1)[0]}:**{text.split(':', 1)[1]}" if route == "markdown" else text)
    if route == "pdf":
        return _printed_pages(date, participants, body, notes, label_style)
    if route == "markdown":
        notes_text = "\n\n".join(f"[^{n}]: {text}" for n, text in notes)
        return f"# Memorandum of Conversation\n\n*Washington, {date}*\n\n{participants}\n\n" + \
            "\n\n".join(body) + "\n\n" + notes_text + "\n"
    notes_text = "\n\n".join(f"[{n}] {text}" for n, text in notes)
    return f"Memorandum of Conversation\n\nWashington, {date}, 10 a.m.\n\n{participants}\n\n" + \
        "\n\n".join(body) + ("\n\nNotes\n\n" + notes_text if notes else "") + "\n"


def _printed_pages(date: str, participants: str, body: list[str], notes: list, label_style: str) -> str:
    """A printed volume's pages as PDF extraction gives them: lines wrapped at 72 characters, a
    running head with the page number on each page after a form feed, each note at the foot of
    the page where its marker falls, the marker a number glued to the word before it."""
    import textwrap

    lines = [f"Memorandum of Conversation", f"Washington, {date}, 10 a.m.", *participants.split("\n")]
    page, pages, foot = 101, [], []
    for turn in body:
        for n, text in notes:
            turn = turn.replace(f"[{n}]", str(n))
            if f"{n}." in turn or f"{n}?" in turn:
                foot.append(f"{n} {text}")
        lines += textwrap.wrap(turn, 72)
        if len(lines) > 14:
            pages.append((page, lines, foot))
            page, lines, foot = page + 1, [], []
    pages.append((page, lines, foot))
    out = []
    for index, (number, text, page_notes) in enumerate(pages):
        head = f"{number} FOREIGN RELATIONS, 1970, VOLUME XII" if number % 2 else f"SOVIET UNION {number}"
        out.append(("\f" if index else "") + head)
        out += text + page_notes
    return "\n".join(out) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(["markdown", "web", "pdf"]), label_style=st.sampled_from(sorted(LABEL_STYLES)),
       date=st.sampled_from(DATE_STYLES),
       turns=st.lists(st.tuples(st.integers(0, 2), SENTENCES, st.booleans()), min_size=2, max_size=12))
def test_any_style_gives_every_turn_note_and_date(tmp_path_factory, route, label_style, date, turns) -> None:
    if label_style == "letter":  # one letter names one participant only where no other shares it
        turns = [(who % 2, sentence, noted) for who, sentence, noted in turns]
    path = Path(tmp_path_factory.mktemp("styles")) / "1970-07-27_record.txt"
    path.write_text(_record(route, label_style, date, turns), "utf-8")
    document = read_source(path, "record.txt")
    found = [block for block in document.body if isinstance(block, Turn)]
    assert len(found) == len(turns)
    expected_people = {SPEAKERS[who][0] for who, _, _ in turns}
    names = {p.id: p.name for p in document.persons}
    assert {names[turn.person_id] for turn in found} == expected_people
    marked = [node.n for turn in found for p in turn.paragraphs for node in p.content if isinstance(node, NoteRef)]
    assert marked == [str(n + 1) for n in range(sum(noted for _, _, noted in turns))]
    assert document.metadata.date_when == "1970-07-27"
