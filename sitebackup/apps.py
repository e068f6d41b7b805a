from django.apps import AppConfig


class SiteBackupConfig(AppConfig):
    """Backup and restore of the whole site (database and file trees): `backup_site`, `restore_site`."""

    name = "sitebackup"
    verbose_name = "网站备份"
