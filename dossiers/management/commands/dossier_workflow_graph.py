"""Print the dossier state machine: every action, from → to, roles and guards."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dossiers.workflow import graph_dot, graph_lines


class Command(BaseCommand):
    help = "In sơ đồ trạng thái của hồ sơ (mỗi dòng: trạng thái --thao tác--> trạng thái)."

    def add_arguments(self, parser):
        parser.add_argument("--dot", action="store_true", help="Graphviz DOT output")

    def handle(self, *args, **options):
        if options["dot"]:
            self.stdout.write(graph_dot())
            return
        for line in graph_lines():
            self.stdout.write(line)
