"""Run Pulumi programs offline under resource mocks: no CLI, no cloud, no cluster."""

from pulumi_metaflow_blueprints.offline.runner import ProgramRun, Registration, run_program, run_program_dir

__all__ = ["ProgramRun", "Registration", "run_program", "run_program_dir"]
