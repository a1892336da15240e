"""Entry point of the `metaflow-blueprints` Pulumi plugin.

Pulumi's Python language host runs `python <this folder> <engine address>` (see PulumiPlugin.yaml); this serves every
blueprint as a multi-language component (`pulumi_metaflow_blueprints.provider`).
"""

if __name__ == "__main__":
    from pulumi_metaflow_blueprints.provider import main

    main()
