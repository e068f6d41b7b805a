"""A request body larger than any form of the portal accepts is refused before it is read: the size
check of each form only runs after the whole body has been received."""

from django.conf import settings
from django.http import HttpResponse

REFUSAL = "提交的内容超过 {mb} MB，未被接收。请压缩或拆分附件后重试。"


class RequestBodyCap:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            message = REFUSAL.format(mb=limit // (1024 * 1024) or 1)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
