"""The one form mixin of the portal's HTML forms."""

from django import forms

_WIDGET_CLASSES = (
    ((forms.TextInput, forms.EmailInput, forms.PasswordInput, forms.NumberInput),
     "utrecht-textbox utrecht-textbox--html-input"),
    ((forms.Textarea,), "utrecht-textarea utrecht-textarea--html-textarea"),
    ((forms.Select,), "utrecht-select utrecht-select--html-select"),
    ((forms.CheckboxInput, forms.CheckboxSelectMultiple), "utrecht-checkbox utrecht-checkbox--html-input"),
    ((forms.RadioSelect,), "utrecht-radio-button utrecht-radio-button--html-input"),
)


class UtrechtFormMixin:
    """NL Design System classes on every widget, so templates can render `{{ field }}` as is. No `required`
    attributes: the browser would mark empty fields invalid (red) before anyone typed and answer in its own
    language; the server checks and says what is missing next to the field, in the page's language."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next((css for kinds, css in _WIDGET_CLASSES if isinstance(widget, kinds)), None)
            present = widget.attrs.get("class", "")
            if css and css.split()[0] not in present.split():
                widget.attrs["class"] = f"{present} {css}".strip()
