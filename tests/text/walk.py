"""Every form and serializer class the product defines, found by importing every module of its packages."""

import importlib
import inspect
import pkgutil

from django import forms
from rest_framework import serializers

PROJECT_PACKAGES = ("enforcement", "plans", "cases", "supervision")


def project_modules():
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if ".migrations" in info.name or info.name.endswith((".wsgi", ".celery")):
                continue
            yield importlib.import_module(info.name)


def project_classes(base):
    found = {}
    for module in project_modules():
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, base) and value.__module__.startswith(PROJECT_PACKAGES):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return dict(sorted(found.items()))


def project_forms():
    return project_classes(forms.BaseForm)


def project_serializers():
    return project_classes(serializers.BaseSerializer)
