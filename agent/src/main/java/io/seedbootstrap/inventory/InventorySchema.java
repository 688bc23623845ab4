package io.seedbootstrap.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.seedbootstrap.bind.SchemaGenerator;
import io.seedbootstrap.inventory.model.Inventory;
import io.seedbootstrap.support.Json;

/** The published JSON Schema of inventory v1 (inventory/schema/inventory-v1.schema.json is this output). */
public final class InventorySchema {
    public static final String ID = "urn:seed-bootstrap:inventory:v1";

    private InventorySchema() {}

    public static String json() {
        try {
            return Json.json().writeValueAsString(SchemaGenerator.generate(Inventory.class, ID, "seed-bootstrap inventory v1"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
