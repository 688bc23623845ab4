package io.seedbootstrap.ssh;

import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyFactorySpi;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;

/**
 * sshj asks the JCA for an "ECDSA" KeyFactory, BouncyCastle's name; the JDK calls the same
 * thing "EC". Without BouncyCastle as sshj's provider (slow ciphers, see {@link SshClients}),
 * ECDSA host and user keys would fail with "ECDSA KeyFactory not available". This provider
 * only adds that alias, delegating to the JDK's EC key factory.
 */
final class JdkEcdsaAliases extends Provider {
    static final String NAME = "SeedBootstrapEcdsaAlias";

    JdkEcdsaAliases() {
        super(NAME, "1.0", "KeyFactory.ECDSA as an alias of the JDK's KeyFactory.EC");
        putService(new Service(this, "KeyFactory", "ECDSA", EcdsaKeyFactory.class.getName(), null, null) {
            @Override
            public Object newInstance(Object constructorParameter) {
                return new EcdsaKeyFactory();
            }
        });
    }

    /** KeyFactory "ECDSA" = the JDK's "EC". */
    static final class EcdsaKeyFactory extends KeyFactorySpi {
        private final KeyFactory ec;

        EcdsaKeyFactory() {
            try {
                ec = KeyFactory.getInstance("EC");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no EC key factory", e);
            }
        }

        @Override
        protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
            return ec.generatePublic(spec);
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
            return ec.generatePrivate(spec);
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> spec) throws InvalidKeySpecException {
            return ec.getKeySpec(key, spec);
        }

        @Override
        protected Key engineTranslateKey(Key key) throws InvalidKeyException {
            return ec.translateKey(key);
        }
    }
}
