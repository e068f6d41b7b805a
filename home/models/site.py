"""网站设置: the site's identity and footer."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class SiteChrome(BaseSiteSetting):
    """Footer and identity of the site, as 政府网站发展指引 requires."""

    sponsor = models.CharField("主办单位", max_length=100, default="枣庄市市中区人民政府办公室")
    organiser = models.CharField("承办单位", max_length=100, default="枣庄市市中区人力资源和社会保障局")
    address = models.CharField("联系地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    site_code = models.CharField("网站标识码", max_length=30, blank=True)
    icp_number = models.CharField("ICP备案号", max_length=50, blank=True)
    police_record = models.CharField("公安机关备案号", max_length=50, blank=True)
    party_mark_url = models.URLField("党政机关网站标识链接", blank=True)
    error_report_url = models.URLField("纠错链接", blank=True, help_text="留空时使用本站的“网站纠错”邮件地址。")

    panels = [
        MultiFieldPanel([FieldPanel("sponsor"), FieldPanel("organiser")], heading="主办与承办"),
        MultiFieldPanel([FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")], heading="联系方式"),
        MultiFieldPanel(
            [
                FieldPanel("site_code"),
                FieldPanel("icp_number"),
                FieldPanel("police_record"),
                FieldPanel("party_mark_url"),
                FieldPanel("error_report_url"),
            ],
            heading="网站标识与备案",
        ),
    ]

    class Meta:
        verbose_name = "网站设置"
