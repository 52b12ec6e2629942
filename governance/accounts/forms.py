from django import forms

from .models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The invitation link is sent there; it works once, for a limited time.",
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.VIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class SignupForm(forms.Form):
    """A new account from an invitation; its e-mail address is the invited one."""

    username = forms.CharField(label="Username", max_length=150)
    password = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(
        label="Password (again)", widget=forms.PasswordInput, strip=False
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The passwords do not match.")
        return data
