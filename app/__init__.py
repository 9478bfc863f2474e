"""The `dnevnik` command and the wiring of the bot, the worker and the scheduler."""

from app import telegram_models

telegram_models.install()  # before anything imports aiogram: ~100 MB less (see the module)
