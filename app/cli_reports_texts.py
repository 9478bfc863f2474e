"""What `dnevnik report` prints and its --help, in Russian."""

from __future__ import annotations

REPORT_HELP = (
    "Отчёт для завуча или классного руководителя: диаграмма (PNG) и таблица (XLSX, CSV), "
    "для сводной ведомости и справок — PDF для печати. NAME: {names}. "
    "Пример: dnevnik report mastery --school «…» --class 7А --period «2-я четверть»."
)
SCHOOL_HELP = "Название школы, как при загрузке"
CLASS_HELP = "Класс, например 7А"
GRADE_HELP = "Параллель, например 7 (все седьмые классы)"
TEACHER_HELP = "Учитель: его группы («Иванова Мария Петровна» или «Иванова М. П.»)"
STUDENT_HELP = "Обучающийся (для справки по ученику, пропусков и неудовлетворительных отметок)"
PERIOD_HELP = "Учебный период, как в боте: «1-я четверть», «Учебный год»; по умолчанию текущий"
FROM_HELP = "Начало периода, ДД.ММ.ГГГГ (вместо --period)"
TO_HELP = "Конец периода, ДД.ММ.ГГГГ (по умолчанию сегодня)"
FORMAT_HELP = "Форматы через запятую: xlsx, png, csv, pdf (по умолчанию xlsx,png)"
OUT_HELP = "Папка для файлов"
BAD_DATE = "Дата «{value}» не похожа на ДД.ММ.ГГГГ."
BAD_FORMAT = "Неизвестный формат «{value}»: можно xlsx, png, csv, pdf."
NO_SCHOOL = "Школы «{school}» нет в базе."
MADE = "Отчёт «{title}» — {scope}, {period}:"
FILE = "  {path}"
NO_CHART = "  (диаграммы у этого отчёта нет)"
