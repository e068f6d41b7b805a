from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed only by bench.settings: the benchmark's reference page stays out of the portal's schema."""

    name = "bench"
    label = "bench"
    verbose_name = "基准测试"
    default_auto_field = "django.db.models.BigAutoField"
