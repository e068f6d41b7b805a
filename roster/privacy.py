"""The notice 个人信息保护法 第十七条 requires, declared once: the application (申报表 and the admin form),
the public objection form and the privacy page all render it from here."""

from django.conf import settings

CONTROLLER = "枣庄市市中区首席技师选拔管理工作办公室（设在区人力资源和社会保障局）"

PURPOSES = {
    "application": (
        "用于首席技师的资格审查、专家评审、公示、实地考察、审批，以及管理期内的跟踪评估和津贴发放"
        "（《市中首席技师选拔管理办法》第七条至第十五条）。由推荐单位录入，区选拔管理工作办公室、评审专家和"
        "区人才工作领导小组在各自职责范围内使用。"
    ),
    "objection": (
        "用于核实和处理您对公示对象提出的异议（《市中首席技师选拔管理办法》第九条第二项、第五项），"
        "必要时联系您了解情况。您的姓名和联系方式不向被反映人和推荐单位透露。"
    ),
}
ITEMS = {
    "application": (
        "姓名、性别、居民身份证号、出生日期、联系电话、工作单位、职业资格、业绩与事迹材料、照片。"
        "身份证号属于敏感个人信息，仅用于核验身份、核查重复申报和发放津贴；列表中一律隐去部分号码，"
        "每次查看完整号码或下载含个人信息的文件均留有记录。经本人书面同意，公示姓名、性别、单位、职业、"
        "等级和事迹摘要；身份证号、电话和出生日期从不公开。"
    ),
    "objection": "您的姓名、联系方式、反映的事实和所附材料。",
}


def retention(kind: str) -> str:
    years = settings.PERSONAL_DATA_RETENTION_YEARS
    if kind == "objection":
        return f"异议处理完毕后保存{years}年，期满后删除您的姓名和联系方式。"
    return (
        f"最后一次申报或管理期结束后保存{years}年；期满后身份证号和电话去标识化，仅保留用于核查重复申报的加密散列值。"
    )


def notice(kind: str, contact: str) -> list[tuple[str, str]]:
    """(heading, text) pairs of the notice for `kind` ("application" or "objection")."""
    return [
        ("个人信息处理者", f"{CONTROLLER}。联系方式：{contact}"),
        ("处理目的和方式", PURPOSES[kind]),
        ("个人信息种类", ITEMS[kind]),
        ("保存期限", retention(kind)),
        (
            "您的权利",
            "您可以向上述机构申请查阅、复制、更正、补充或删除您的个人信息，或撤回同意（撤回不影响此前处理的效力）；"
            "我们在收到申请后15个工作日内答复。",
        ),
    ]


def default_contact() -> str:
    """For documents made outside a web page (the .docx 申报表): the contact the deployment sets."""
    return settings.PERSONAL_DATA_CONTACT
