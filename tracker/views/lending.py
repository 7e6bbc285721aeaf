"""Loans (lend, returned, the loans page) and the wish list (its page, "I bought it"). Every query is
scoped to the owner: another user's DVDs and loans are 404."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tracker.forms_lending import BoughtForm, LoanForm
from tracker.models import DVD, Loan


def loan_context(dvd):
    """The DVD page's loans: all of them, latest first, and the open one."""
    loans = list(dvd.loans.order_by("-lent_on", "-pk"))
    return {"loans": loans, "open_loan": next((loan for loan in loans if loan.is_open), None)}


@require_http_methods(["GET", "POST"])
def dvd_lend(request, pk):
    dvd = get_object_or_404(DVD.objects.for_user(request.user), pk=pk)
    form = LoanForm(request.POST or None, dvd=dvd)
    if request.method == "POST" and form.is_valid():
        loan = form.save()
        messages.success(request, f"Lent “{dvd.name}” to {loan.borrower}.")
        return redirect(dvd)
    return render(request, "tracker/loan_form.html", {"form": form, "dvd": dvd})


@require_POST
def loan_returned(request, pk):
    loan = get_object_or_404(Loan.objects.for_user(request.user).select_related("dvd"), pk=pk)
    loan.mark_returned()
    messages.success(request, f"“{loan.dvd.name}” is back from {loan.borrower}.")
    return redirect("loans") if request.POST.get("next") == "loans" else redirect(loan.dvd)


@require_safe
def loans_page(request):
    today = timezone.localdate()
    loans = Loan.objects.for_user(request.user).listing(today)
    return render(request, "tracker/loans.html", {"loans": loans, "today": today})


@require_safe
def wishlist_page(request):
    wanted = DVD.objects.for_user(request.user).wanted().order_by("name", "pk")
    return render(request, "tracker/wishlist.html", {"wanted": wanted})


@require_http_methods(["GET", "POST"])
def wishlist_bought(request, pk):
    dvd = get_object_or_404(DVD.objects.for_user(request.user).wanted(), pk=pk)
    form = BoughtForm(request.POST or None, instance=dvd, initial={"purchase_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"“{dvd.name}” is in your collection now.")
        return redirect(dvd)
    return render(request, "tracker/wishlist_bought.html", {"form": form, "dvd": dvd})
