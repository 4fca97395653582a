"""The results API: the same functions and scope as the results pages (surveys.results, surveys.results_access).
A withheld group is {"shown": false, "note": ...} without a single figure; another insurer's results are a 404;
a bad split or cross-tab is a 400 with a code."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from insurers.models import Insurer

from ..results import Block, Group, Results, Trend, survey_crosstab, survey_results, survey_trend
from ..results_access import (
    full_results_visible_to,
    results_scope,
    series_scope,
    sub_report_insurer_ids,
    sub_reports_visible_to,
)


def _number(value):
    return None if value is None else float(value)


def group_data(group: Group) -> dict:
    if not group.shown:
        return {"key": group.key, "label": group.label, "shown": False, "note": group.note}
    return {"key": group.key, "label": group.label, "shown": True, "n": group.n, "mean": _number(group.mean),
            "cells": [{"value": c.value, "label": c.label, "count": c.count, "percent": float(c.percent)}
                      for c in group.cells]}


def block_data(block: Block) -> dict:
    return {"question": block.question.code, "text": block.question.text, "kind": block.question.kind,
            "row": block.row, "row_label": block.row_label, "repeat_key": block.repeat_key,
            "repeat_label": block.repeat_label, "groups": [group_data(g) for g in block.groups]}


def results_data(results: Results) -> dict:
    survey = results.survey
    data = {"survey": {"id": survey.pk, "title": survey.title, "year": survey.year, "kind": survey.kind,
                       "series": survey.series, "anonymous": survey.anonymous},
            "insurer": results.insurer.pk if results.insurer else None, "available": results.available,
            "threshold": results.threshold, "responses": results.responses,
            "dimension": results.dimension, "value": results.value,
            "blocks": [block_data(b) for b in results.blocks]}
    if results.crosstab:
        data["crosstab"] = {"rows": results.crosstab[0].code, "columns": results.crosstab[1].code}
    return data


def trend_data(trend: Trend) -> dict:
    return {"series": trend.series, "insurer": trend.insurer.pk if trend.insurer else None,
            "threshold": trend.threshold, "years": trend.years,
            "questions": [{"code": q.code, "text": q.text, "measure": q.measure, "is_mean": q.is_mean,
                           "lines": [{"label": line.label, "points": [
                               {"year": p.year, "shown": True, "value": _number(p.value), "n": p.n} if p.shown
                               else {"year": p.year, "shown": False, "note": p.note} for p in line.points]}
                               for line in q.lines]} for q in trend.questions]}


VIEW_PARAMS = [
    OpenApiParameter("dimension", OpenApiTypes.STR, description="segment | provider_type | region | insurer"),
    OpenApiParameter("value", OpenApiTypes.STR, description="one group of the dimension (a filter)"),
]
PK = OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="the survey")
INSURER_PK = OpenApiParameter("insurer_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="the insurer")
SERIES = OpenApiParameter("series", OpenApiTypes.STR, OpenApiParameter.PATH, description="the survey series")
CROSS_PARAMS = [OpenApiParameter("rows", OpenApiTypes.STR, description="question code: the groups"),
                OpenApiParameter("columns", OpenApiTypes.STR, description="question code: the figures")]


class SurveyResultsListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Survey results the user may see",
                   operation_id="survey_results_list")
    def get(self, request):
        user = request.user
        full = [{"id": s.pk, "title": s.title, "year": s.year, "kind": s.kind, "series": s.series}
                for s in full_results_visible_to(user).order_by("-year", "title", "pk")]
        ids = sub_report_insurer_ids(user)
        insurers = list((Insurer.objects.all() if ids is None else Insurer.objects.filter(pk__in=ids))
                        .order_by("name").values_list("pk", flat=True))
        subs = [{"id": s.pk, "title": s.title, "year": s.year, "kind": s.kind, "series": s.series,
                 "insurers": insurers} for s in sub_reports_visible_to(user).order_by("-year", "title", "pk")]
        return Response({"full": full, "sub_reports": subs})


class SurveyResultsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[PK, *VIEW_PARAMS], responses=OpenApiTypes.OBJECT,
                   summary="A survey's full results", operation_id="survey_results_retrieve")
    def get(self, request, pk, insurer_pk=None):
        survey, insurer = results_scope(request.user, pk, insurer_pk)
        results = survey_results(survey, insurer=insurer, dimension=request.query_params.get("dimension", ""),
                                 value=request.query_params.get("value", ""))
        return Response(results_data(results))


class SurveyCrosstabView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[PK, *CROSS_PARAMS], responses=OpenApiTypes.OBJECT,
                   summary="A cross-tab of two questions", operation_id="survey_results_crosstab")
    def get(self, request, pk, insurer_pk=None):
        survey, insurer = results_scope(request.user, pk, insurer_pk)
        results = survey_crosstab(survey, rows=request.query_params.get("rows", ""),
                                  columns=request.query_params.get("columns", ""), insurer=insurer)
        return Response(results_data(results))


class SurveyTrendView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[SERIES], responses=OpenApiTypes.OBJECT,
                   summary="The trend of a survey series across the years", operation_id="survey_series_trend")
    def get(self, request, series, insurer_pk=None):
        surveys, insurer = series_scope(request.user, series, insurer_pk)
        return Response(trend_data(survey_trend(surveys, insurer=insurer)))


# One insurer's sub-report: the same views on their own paths (each path its own OpenAPI operation).
class SurveyInsurerResultsView(SurveyResultsView):
    @extend_schema(parameters=[PK, INSURER_PK, *VIEW_PARAMS], responses=OpenApiTypes.OBJECT,
                   summary="One insurer's sub-report of a survey", operation_id="survey_results_insurer_retrieve")
    def get(self, request, pk, insurer_pk=None):
        return super().get(request, pk, insurer_pk)


class SurveyInsurerCrosstabView(SurveyCrosstabView):
    @extend_schema(parameters=[PK, INSURER_PK, *CROSS_PARAMS], responses=OpenApiTypes.OBJECT,
                   summary="A cross-tab in a sub-report", operation_id="survey_results_insurer_crosstab")
    def get(self, request, pk, insurer_pk=None):
        return super().get(request, pk, insurer_pk)


class SurveyInsurerTrendView(SurveyTrendView):
    @extend_schema(parameters=[SERIES, INSURER_PK], responses=OpenApiTypes.OBJECT,
                   summary="The trend of one insurer's sub-report", operation_id="survey_series_insurer_trend")
    def get(self, request, series, insurer_pk=None):
        return super().get(request, series, insurer_pk)
