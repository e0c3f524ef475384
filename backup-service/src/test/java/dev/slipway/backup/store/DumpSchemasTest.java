package dev.slipway.backup.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class DumpSchemasTest {
  private static final String TOC =
      """
      ;
      ; Archive created at 2026-11-22 10:00:00 UTC
      ;     dbname: journal
      ;
      ; Selected TOC Entries:
      ;
      6; 2615 16390 SCHEMA - billing journal
      5; 2615 16391 SCHEMA - odd name journal
      216; 1259 16392 TABLE public entries journal
      217; 1259 16391 SEQUENCE public entries_id_seq journal
      3350; 0 16392 TABLE DATA public entries journal
      218; 1259 16400 TABLE billing invoices journal
      3351; 0 0 ACL - SCHEMA billing journal
      """;

  @Test
  void findsTheSchemasTheDumpCreatesAndWhetherItFillsPublic() {
    DumpSchemas schemas = DumpSchemas.of(TOC);
    assertThat(schemas.created()).isEqualTo(Set.of("billing", "odd name"));
    assertThat(schemas.usesPublic()).isTrue();
  }

  @Test
  void aDumpWithoutPublicObjectsLeavesPublicAlone() {
    DumpSchemas schemas =
        DumpSchemas.of(
            "6; 2615 16390 SCHEMA - billing journal\n"
                + "218; 1259 16400 TABLE billing invoices journal\n");
    assertThat(schemas.usesPublic()).isFalse();
    assertThat(schemas.prelude())
        .contains("drop schema if exists \"billing\" cascade;")
        .doesNotContain("public");
  }
}
