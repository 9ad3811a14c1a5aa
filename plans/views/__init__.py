"""Plan pages: annual plans and their items, 双随机 draws, conflict declarations.

Every page fetches through ``Model.objects.restrict(user, action)``: a record outside the user's scope
is simply not found (404). Writes go through ``plans.services``.
"""
