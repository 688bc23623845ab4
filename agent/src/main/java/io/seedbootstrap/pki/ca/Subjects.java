package io.seedbootstrap.pki.ca;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Distinguished names of the certificates this tool issues (docs/formats.md). */
final class Subjects {
    private Subjects() {}

    static X500Name of(String commonName, String organizationalUnit, String organization) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        if (organization != null && !organization.isBlank()) {
            builder.addRDN(BCStyle.O, organization);
        }
        if (organizationalUnit != null && !organizationalUnit.isBlank()) {
            builder.addRDN(BCStyle.OU, organizationalUnit);
        }
        builder.addRDN(BCStyle.CN, commonName);
        return builder.build();
    }
}
