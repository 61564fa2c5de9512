from django.contrib import admin

from .models import YearSetting


@admin.register(YearSetting)
class YearSettingAdmin(admin.ModelAdmin):
    """A year's disclosure, budget consequence and deduction rule of the rectification ledger."""

    list_display = ("year", "disclose_counts", "budget_action", "cut_percent", "overdue_rule")
    autocomplete_fields = ()
