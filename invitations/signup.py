from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_no_nik
from invitations.adapter import pending_invitation


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, with a name, for the email address the invitation was sent to."""

    full_name = forms.CharField(label=_("Full name"), max_length=150, validators=[validate_no_nik])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth's middleware keeps the current request in its context.
        request = context.request
        self.invitation = pending_invitation(request) if request else None
        if self.invitation:
            self.fields["email"].initial = self.invitation.email
            self.fields["full_name"].initial = self.invitation.full_name
        self.order_fields(["full_name", "email", "password1", "password2"])

    def clean_email(self):
        email = super().clean_email()
        if self.invitation and email.lower() != self.invitation.email.lower():
            raise forms.ValidationError(
                _("Use the address the invitation was sent to: %(email)s."),
                params={"email": self.invitation.email},
            )
        return email
