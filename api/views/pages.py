"""The API's two pages: the person's tokens (create, shown once; list; revoke) and the interactive docs."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from api.forms import ApiTokenForm
from api.models import ApiToken


@require_http_methods(["GET", "POST"])
def tokens_page(request):
    form = ApiTokenForm(request.POST or None, owner=request.user)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        context["created"] = form.save()
        # Shown in this answer only: not kept anywhere (a message would sit in the session).
        context["raw_token"] = form.raw_token
        context["form"] = ApiTokenForm(owner=request.user)
    context["tokens"] = ApiToken.objects.for_user(request.user)
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def revoke_token(request, pk):
    if ApiToken.objects.revoke(request.user, pk):
        messages.success(request, "Revoked the token. Scripts using it now get 401.")
    else:
        messages.error(request, "That token is not one of yours, or was already revoked.")
    return redirect("api_tokens")


@require_safe
def docs_page(request):
    return render(request, "api/docs.html")
