package io.balancestream.config;

import java.net.URI;

/** The Partner Center instances ("Applies to" in Microsoft's documentation) with their endpoints. */
public enum Cloud {
    GLOBAL("https://api.partnercenter.microsoft.com", "https://login.microsoftonline.com",
            "https://api.partnercenter.microsoft.com"),
    /** Partner Center operated by 21Vianet. */
    CHINA("https://partner.partnercenterapi.microsoftonline.cn", "https://login.chinacloudapi.cn",
            "https://partner.partnercenterapi.microsoftonline.cn"),
    /** Partner Center for Microsoft Cloud for US Government. */
    US_GOV("https://api.partnercenter.microsoft.com", "https://login.microsoftonline.us",
            "https://api.partnercenter.microsoft.com");

    private final URI apiUrl;
    private final String authority;
    private final String resource;

    Cloud(String apiUrl, String authority, String resource) {
        this.apiUrl = URI.create(apiUrl);
        this.authority = authority;
        this.resource = resource;
    }

    public URI apiUrl() {
        return apiUrl;
    }

    /** Microsoft Entra ID v2 token endpoint of a tenant in this cloud. */
    public URI tokenUrl(String tenantId) {
        return URI.create(authority + "/" + tenantId + "/oauth2/v2.0/token");
    }

    /** The client-credentials scope that yields a Partner Center token. */
    public String scope() {
        return resource + "/.default";
    }

    /** The delegated scope of App+User (secure application model) tokens, refresh tokens included. */
    public String appUserScope() {
        return resource + "/user_impersonation offline_access";
    }
}
