"""What the `dnevnik` command says, in Russian, in one place."""

from __future__ import annotations

from core.services.school_summary import SUMMARY_LABELS

APP_HELP = (
    "dnevnik — электронный классный журнал школы в Telegram.\n\n"
    "Настройки берутся из переменных окружения или файла .env (см. .env.example)."
)
DB_HELP = "База данных: обновление схемы."
DB_UPGRADE_HELP = "Привести схему базы данных к последней версии (делается и при каждом запуске)."
DB_UPGRADED = "Схема базы данных: версия {before} → {after}."
DB_UP_TO_DATE = "Схема базы данных уже последней версии ({after})."

TEMPLATE_HELP = (
    "Записать пустой шаблон книги учебного года (XLSX): по листу на раздел, с примером "
    "в каждом листе и листом «Инструкция»."
)
TEMPLATE_WRITTEN = "Шаблон записан: {path}"

IMPORT_HELP = (
    "Загрузить учебный год школы из книги XLSX (или папки с CSV-файлами по листам). "
    "Сначала проверяется всё; при любой ошибке ничего не меняется и выводится список "
    "ошибок (лист / строка / столбец / причина). Повторная загрузка исправленной книги "
    "обновляет изменённое, не создавая дублей."
)
IMPORT_SCHOOL_HELP = "Название школы (создаётся, если её ещё нет)"
IMPORT_TZ_HELP = "Часовой пояс школы, например Asia/Yekaterinburg (по умолчанию DEFAULT_TIMEZONE)"
IMPORT_DRY_RUN_HELP = "Только проверить книгу и показать, что изменится, ничего не записывая"
IMPORT_READING = "Чтение книги"
IMPORT_APPLYING = "Загрузка в базу"
IMPORT_FAILED = "Книга не загружена: найдено ошибок — {count}. В базе ничего не изменено."
IMPORT_DONE = "Учебный год {year} школы «{school}» загружен."
IMPORT_DRY_DONE = "Проверка пройдена: ошибок нет. Пробный запуск — в базе ничего не изменено."
IMPORT_NOTHING_CHANGED = "Изменений нет: база уже совпадает с книгой."
IMPORT_TABLE_TITLE = "Что изменилось"
COL_WHAT = "Раздел"
COL_ADDED = "добавлено"
COL_CHANGED = "изменено"
COL_REMOVED = "удалено"
COL_UNCHANGED = "без изменений"
MOVEMENTS_TITLE = "Движение обучающихся:"
MOVEMENTS_MORE = (
    "  … и ещё {count}; все записи: dnevnik audit show --entity student_movement --limit 1000"
)
BAD_TIMEZONE = "Неизвестный часовой пояс «{tz}». Пример правильного: Europe/Moscow."
FILE_NOT_FOUND = "Файл или папка не найдены: {path}"

DEMO_DATA_HELP = (
    "Записать книгу учебного года демонстрационной школы (несколько классов, подгруппы, "
    "поток, ученик на ИУП, неделя расписания, КТП, родители). Её можно загрузить командой import."
)
DEMO_DATA_WRITTEN = "Книга демонстрационной школы записана: {path}"
DEMO_HELP = (
    "Главная команда до появления бота: создать базу (SQLite по умолчанию), загрузить "
    "демонстрационную школу и показать её сводку."
)

SUMMARY_HELP = "Сводка по школе: классы, обучающиеся, группы, расписание на неделю."
SUMMARY_TITLE = "Школа «{school}», учебный год {year}"
SUMMARY_NO_SCHOOL = "Школа «{school}» не найдена. Загрузите её командой `dnevnik import`."
SUMMARY_LINES = SUMMARY_LABELS
SUMMARY_WEEK = "Уроков на неделе {start} — {end} (с учётом каникул): {count}"
COL_CLASS = "Класс"
COL_CLASS_TEACHER = "Классный руководитель"
COL_STUDENTS = "Обучающихся"

AUDIT_HELP = "Журнал аудита: проверка целостности и просмотр."
AUDIT_VERIFY_HELP = (
    "Проверить цепочку хешей журнала аудита каждой школы; при нарушении назвать первую "
    "испорченную запись. Код выхода 1, если цепочка нарушена."
)
AUDIT_OK = "Школа «{school}»: записей {count}, цепочка цела."
AUDIT_BROKEN = "Школа «{school}»: цепочка НАРУШЕНА на записи № {seq} (id {entry_id}): {reason}."
AUDIT_REASONS = {
    "hash": "содержимое записи изменено",
    "prev_hash": "запись не продолжает предыдущую (вставка или изменение)",
    "gap": "нарушен порядок номеров (запись удалена, вставлена или изменён её номер)",
    "truncated": "удалены последние записи",
}
AUDIT_NO_SCHOOLS = "В базе нет ни одной школы."
AUDIT_SHOW_HELP = "Показать записи журнала аудита (новые сверху) с фильтрами."
AUDIT_SCHOOL_HELP = "Только эта школа"
AUDIT_ACTOR_HELP = "Только этот автор, например staff:12 или cli:root"
AUDIT_ENTITY_HELP = "Только этот вид записи, например student или timetable_entry"
AUDIT_ENTITY_ID_HELP = "Только запись с этим id"
AUDIT_SINCE_HELP = "С этой даты (ГГГГ-ММ-ДД, включительно)"
AUDIT_UNTIL_HELP = "По эту дату (ГГГГ-ММ-ДД, включительно)"
AUDIT_LIMIT_HELP = "Сколько записей показать"
AUDIT_NONE = "Записей не найдено."
COL_AT = "Время (UTC)"
COL_SCHOOL = "Школа"
COL_ACTOR = "Автор"
COL_ACTION = "Действие"
COL_ENTITY = "Запись"
COL_CHANGE = "Было → стало"
BAD_DATE = "Дата «{value}» не похожа на ГГГГ-ММ-ДД."
