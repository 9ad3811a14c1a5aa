"""Annual plan pages: plans with their workflow (plans.py) and plan items with their on-site plans (items.py).

Every page fetches through ``Model.objects.restrict(user, action)``: a record outside the user's scope
is simply not found (404). Writes go through ``plans.annual.services``.
"""
