"""The password rule of the portal (等保 2.0 level 2): Django's length, similarity and common-password
validators, more than one character class (this module), and none of the last five (django-password-validators)."""

from django.core.exceptions import ValidationError

CLASSES = {
    "小写字母": str.islower,
    "大写字母": str.isupper,
    "数字": str.isdigit,
    "符号": lambda char: not char.isalnum(),
}


class CharacterClassesValidator:
    def __init__(self, min_classes=2):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        used = [name for name, test in CLASSES.items() if any(test(char) for char in password)]
        if len(used) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_uniform")

    def get_help_text(self):
        return f"密码须包含{'、'.join(CLASSES)}中的至少{self.min_classes}类。"
