"""The account pages' helpers: Bootstrap's classes on form widgets, and the sign-in options in force."""

from django import forms, template
from django.conf import settings

register = template.Library()


@register.simple_tag
def bootstrap_widget(field):
    """The field's widget with Bootstrap's class for its kind, marked invalid when it has errors."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.filter
def is_checkbox(field):
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multiple_checkboxes(field):
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple)


@register.simple_tag
def sign_in_options():
    """Whether the password form is hidden (OIDC_ONLY) and whether anyone may sign up (ALLOW_SIGNUP)."""
    return {"oidc_only": settings.OIDC_ONLY is True, "signup_open": settings.ALLOW_SIGNUP is True}
