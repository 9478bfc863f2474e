"""Russian texts of the school-year import (what the coordinator reads), in one place."""

from __future__ import annotations

DUPLICATE = "повторяется: {what} уже есть в строке {row}"
UNKNOWN = "не найден(а) {what} «{name}»"
AMBIGUOUS = "«{name}» подходит к нескольким ({count}): уточните ФИО полностью"
DATES_REVERSED = "дата окончания {end} раньше даты начала {start}"
OUTSIDE_YEAR = "дата {day} вне учебного года {year} ({start} — {end})"
GRADES_BAD = "классы должны быть от 1 до 11, «с» не больше «по» (указано {grade_from}–{grade_to})"
ONE_YEAR_ONLY = "в книге должен быть один учебный год, а указан ещё и «{name}»"
BAD_YEAR = "учебный год записывается как «2026/2027», указано «{name}»"
NO_PERIODS = "не задано ни одного учебного периода"
PERIOD_OVERLAP = "период пересекается с периодом из строки {row} (тот же вид, те же классы)"
HOLIDAY_IN_PERIOD = "каникулы попадают внутрь учебного периода из строки {row} листа «Периоды»"
TEACHER_BUSY = (
    "учитель {teacher} уже ведёт урок в это время (строка {row}): {weekday}, {number}-й урок"
)
ROOM_BUSY = "кабинет {room} уже занят в это время (строка {row}): {weekday}, {number}-й урок"
GROUP_BUSY = "у группы «{group}» уже стоит урок в это время (строка {row})"
NO_BELL = "урока № {number} нет в расписании звонков «{schedule}» (есть: {numbers})"
NO_BELLS_AT_ALL = "не задано расписание звонков «{schedule}»"
BELL_TIMES = "урок заканчивается ({end}) не позже, чем начинается ({start})"
HOURS_BAD = "число часов должно быть больше нуля (указано {hours})"
DAYS_BAD = "дней в неделю должно быть 5 или 6 (указано {days})"
SHIFT_BAD = "смена должна быть 1 или 2 (указано {shift})"
WITHDRAWN_BEFORE_ENROLLED = "дата выбытия {end} раньше даты зачисления {start}"
GROUP_KIND_MISMATCH = "группа «{name}» описана по-разному: строка {row}"
GROUP_NAME_IS_CLASS = "название группы «{name}» совпадает с названием класса"
STUDENT_NOT_IN_CLASS = "обучающийся «{name}» не найден в классе {class_name}"
SUBGROUP_NEEDS_CLASS = "для подгруппы нужно указать класс"
MEMBER_TWICE = "обучающийся уже записан в эту группу (строка {row})"
CONTROL_ON_DAY_OFF = "дата {day} — выходной или каникулы"
WHOLE_CLASS_GROUP = "класс/группа"

WEEKDAYS = {1: "понедельник", 2: "вторник", 3: "среда", 4: "четверг", 5: "пятница", 6: "суббота"}

WHAT_TEACHER = "сотрудник"
WHAT_CLASS = "класс"
WHAT_GROUP = "класс или группа"
WHAT_SUBJECT = "предмет"
WHAT_ROOM = "кабинет"
WHAT_STUDENT = "обучающийся"
WHAT_SCHEDULE = "режим звонков"
WHAT_PERIOD = "такой же период"
WHAT_STAFF = "сотрудник с таким ФИО"
WHAT_SUBJECT_DUP = "предмет с таким названием"
WHAT_ROOM_DUP = "такой кабинет"
WHAT_CLASS_DUP = "такой класс"
WHAT_STUDENT_DUP = "такой обучающийся (ФИО и дата рождения или № личного дела)"
WHAT_BELL = "этот урок в этом режиме"
WHAT_TOPIC = "тема с этим номером для этой группы и предмета"
WHAT_LINK = "эта же связь родителя с ребёнком"
WHAT_LOAD = "эта же нагрузка"
WHAT_HOLIDAY = "такие же каникулы"
WHAT_CONTROL = "контрольная работа этой группы по этому предмету в этот день"
WHAT_IUP_GROUP = "группа ИУП с таким названием"

IUP_GROUP_NAME = "ИУП {student}, {subject}"

# The report of an import: how each kind of record is called in it.
ENTITY_LABELS = {
    "School": "школа",
    "WorkType": "виды работ",
    "AcademicYear": "учебный год",
    "StudyPeriod": "учебные периоды",
    "Holiday": "каникулы",
    "Subject": "предметы",
    "Room": "кабинеты",
    "BellSchedule": "режимы звонков",
    "Bell": "звонки",
    "StaffMember": "сотрудники",
    "SchoolClass": "классы",
    "Student": "обучающиеся",
    "StudyGroup": "учебные группы",
    "GroupMembership": "составы групп",
    "Guardian": "родители",
    "GuardianLink": "связи родитель — ребёнок",
    "TeachingLoad": "нагрузка",
    "TimetableEntry": "уроки расписания",
    "ThematicTopic": "темы КТП",
    "ControlWork": "контрольные работы",
    "StudentMovement": "движение обучающихся",
}

MOVE_TRANSFER = "{student}: перевод из {old} в {new} с {day}"
MOVE_WITHDRAWAL = "{student}: выбытие из {old} с {day}"
MOVE_ENROLMENT = "{student}: зачисление в {new} с {day}"

# The school's default work types (виды работ) and their weights in the weighted average;
# a school changes them later.
DEFAULT_WORK_TYPES: tuple[tuple[str, float, bool, bool], ...] = (
    # name, weight, control work (3-day deadline), written work (one-week deadline)
    ("Ответ на уроке", 1.0, False, False),
    ("Домашняя работа", 1.0, False, False),
    ("Самостоятельная работа", 1.5, False, False),
    ("Практическая работа", 1.5, False, False),
    ("Тест", 1.5, False, False),
    ("Диктант", 2.0, False, True),
    ("Сочинение", 2.0, False, True),
    ("Изложение", 2.0, False, True),
    ("Контрольная работа", 2.0, True, False),
)
