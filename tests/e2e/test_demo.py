"""`dnevnik demo` plays its school day to the end and leaves its files."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from app.demo import run_demo


def test_the_demo_plays_every_step_and_names_its_files(tmp_path: Path) -> None:
    lines: list[str] = []
    transcript = run_demo(tmp_path / "demo", echo=lines.append)
    text = transcript.read_text(encoding="utf-8")
    assert text == "\n".join(lines) + "\n"
    for step in (
        "Вы подключены: Тарасов И. В., классный руководитель",
        "файл codes-5Б.pdf",
        "Вы подключены: Сорокина Е. В., родитель",
        "Согласие записано",
        "Сорокин М. А., вторник, 15 сентября:",
        "Сорокина П. А., вторник, 15 сентября:",
        "✅ Сорокина Елена Викторовна",
        "Кравцова С. В. — заместитель директора (завуч)",
        "Обучающихся: 111",
        "Ваши уроки, вторник, 15 сентября:",
        "Посещаемость: Архипов М. М. (Н)",
        "Сорокина П. А. 5",
        "📓 Полина С.: новое в журнале",
        "• 15.09, История: отметка 5 (Ответ на уроке)",
        "✅ Ознакомлен(а) 15.09",
        "✅ Сорокина Елена Викторовна (Полина С.): подтверждено 1 из 1",
        "файл chart.png",
        "подпись: 📊 Пропущенные уроки и темы — 5Б, 1-я четверть 2026/2027",
        "файл absences_5Б_1-я-четверть-2026-2027.xlsx",
    ):
        assert step in text, step
    assert "Ошибка" not in text and "что-то пошло не так" not in text.lower()
    folder = tmp_path / "demo"
    for name in (
        "codes-5Б.pdf",
        "codes-staff.pdf",
        "demo-school.xlsx",
        "transcript.txt",
        "chart.png",
        "absences_5Б_1-я-четверть-2026-2027.xlsx",
    ):
        assert (folder / name).exists(), name
        assert f"• {name}" in text
    slips = PdfReader(io.BytesIO((folder / "codes-5Б.pdf").read_bytes()))
    assert "Сорокина Елена Викторовна" in "".join(p.extract_text() for p in slips.pages)

    # played again in the same folder: a fresh day, not a clash with the last one
    again = run_demo(folder, echo=lambda _: None).read_text(encoding="utf-8")
    assert "Согласие записано" in again and "файл chart.png" in again
