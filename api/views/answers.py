"""The buttons' answers (tracker.views.ajax.Answer) in the API's words: 429s with Retry-After, errors as
{"detail": ...}, and the per-person allowance that the buttons' own endpoints count."""

from rest_framework import exceptions
from rest_framework.response import Response

from tracker.limits import allow_endpoint_call
from tracker.views.ajax import TOO_FAST


def count_button_press(user):
    """The buttons' per-person allowance (ENDPOINT_RATE_LIMIT_PER_MINUTE) counts the API's presses too."""
    if not allow_endpoint_call(user.pk):
        raise exceptions.Throttled(wait=60, detail=TOO_FAST)


def answer_response(answer, serializer_class):
    if answer.ok:
        return Response(serializer_class({"message": answer.message, **answer.data}).data, status=answer.status)
    if answer.status == 429:
        raise exceptions.Throttled(wait=answer.retry_after, detail=answer.message)
    return Response({"detail": answer.message}, status=answer.status)
