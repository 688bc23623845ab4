package io.seedbootstrap.inventory;

/** The kinds of inventory file seed-bootstrap reads. */
public enum SourceFormat {
    SEED_YAML("seed-bootstrap inventory (YAML)"),
    ANSIBLE_INI("Ansible inventory (INI)"),
    ANSIBLE_YAML("Ansible inventory (YAML)");

    private final String description;

    SourceFormat(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public boolean isAnsible() {
        return this != SEED_YAML;
    }
}
