namespace Faultline.Core.Contracts;

/// <summary>Placeholder until the spec diff lands.</summary>
public static class SpecDiff
{
    public static IReadOnlyList<ContractChange> Diff(ApiSpec baseSpec, ApiSpec head) => [];
}
