"""What the bot says in the class teacher's read-only views: the class journal (CT-1) and the
class's attendance (CT-4)."""

from __future__ import annotations

NO_CLASSES = "Нет классов, журнал которых вам доступен."
BTN_BACK = "◀ Назад"
PERIOD_BUTTON = "{period} ({start}–{end})"

# --- the class journal ---------------------------------------------------------------------

JOURNAL_CLASSES = "Журнал класса. Выберите класс:"
SUBJECTS_TITLE = "Журнал класса {class_name}. Выберите предмет:"
SUBJECTS_NONE = "Классу {class_name} не назначено ни одного предмета."
PERIODS_TITLE = "Журнал класса {class_name}. За какой период?"
JOURNAL_TITLE = "Журнал класса {class_name} · {subject} · {period}"
JOURNAL_LEGEND = "ср. — средний взвешенный балл; пропуски — уроки с отметкой Н, Б или У."
JOURNAL_EMPTY = "В этом периоде в классе нет учеников."
STUDENT_HEAD = "{name} — ср. {average}, пропуски: {absences}{late}{final}"
STUDENT_LATE = ", опоздания: {count}"
STUDENT_FINAL = ", итог: {value}"
NO_AVERAGE = "—"
MARK = "{day} {value}"
NO_MARKS = "отметок нет"
BTN_OTHER_PERIOD = "◀ Другой период"
BTN_OTHER_SUBJECT = "◀ Другой предмет"

# --- attendance ----------------------------------------------------------------------------

ATT_CLASSES = "Посещаемость класса. Выберите класс:"
SPAN_TITLE = "Посещаемость класса {class_name}. За какой срок?"
BTN_TODAY = "Сегодня"
BTN_THIS_WEEK = "Эта неделя"
ATT_TITLE = "Посещаемость класса {class_name}: {span}"
ATT_LEGEND = (
    "Н — без уважительной причины, Б — болел(а), У — по уважительной причине, О — опоздал(а)."
)
SPAN_WEEK = "неделя {start}–{end}"
SPAN_PERIOD = "{period} ({start}–{end})"
COUNT = "{letter} {count}"
ATT_STUDENT = "{name} — {counts}; пропущено уроков: {missed}"
ATT_CLEAN = "{name} — без пропусков"
ATT_TOTAL = "Итого: {counts}; пропущено уроков: {missed}"
ATT_DAYS = "По дням:"
ATT_DAY = "{day} — {counts}; пропускали уроки: {students} уч."
ATT_NO_ABSENCES_DAYS = "Пропусков за эти дни нет."
ATT_NO_LESSONS = "В журнале нет уроков за этот срок."
BTN_PREV_DAY = "◀ Пред. день"
BTN_NEXT_DAY = "След. день ▶"
BTN_PREV_WEEK = "◀ Пред. неделя"
BTN_NEXT_WEEK = "След. неделя ▶"
BTN_OTHER_SPAN = "🗓 Другой срок"
