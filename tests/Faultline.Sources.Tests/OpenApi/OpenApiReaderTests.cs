using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.OpenApi;

namespace Faultline.Sources.Tests.OpenApi;

public sealed class OpenApiReaderTests
{
    /// <summary>Reads <paramref name="main"/> from an in-memory set of files (path to text).</summary>
    private static (ApiSpec? Spec, List<InputDiagnostic> Diagnostics) Read(string main, params (string Path, string Text)[] files)
    {
        var map = files.ToDictionary(f => f.Path, f => f.Text, StringComparer.Ordinal);
        var diagnostics = new List<InputDiagnostic>();
        var spec = OpenApiReader.Read(main, diagnostics, path => map.GetValueOrDefault(path));
        return (spec, diagnostics);
    }

    private static ApiSpec ReadClean(string text)
    {
        var (spec, diagnostics) = Read("api.yaml", ("api.yaml", text));
        Assert.Empty(diagnostics);
        return Assert.IsType<ApiSpec>(spec);
    }

    private const string OpenApi30 = """
        openapi: 3.0.3
        info:
          title: Payments
          version: "2.1"
        servers:
          - url: https://pay.example.com/v1
        paths:
          /charges/{chargeId}:
            parameters:
              - name: chargeId
                in: path
                schema: {type: string}
              - name: verbose
                in: query
                schema: {type: boolean}
            get:
              operationId: getCharge
              parameters:
                - name: verbose
                  in: query
                  required: true
                  schema: {type: integer}
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema:
                        $ref: "#/components/schemas/Charge"
                "404":
                  $ref: "#/components/responses/NotFound"
          /charges:
            post:
              parameters:
                - $ref: "#/components/parameters/IdempotencyKey"
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      $ref: "#/components/schemas/Charge"
              responses:
                "201":
                  description: created
            patch:
              x-idempotent: true
              responses:
                default:
                  description: any
            delete:
              x-idempotent: false
              responses:
                "204":
                  description: gone
        components:
          parameters:
            IdempotencyKey:
              name: Idempotency-Key
              in: header
              required: true
              schema: {type: string}
          responses:
            NotFound:
              description: not found
              content:
                application/problem+json:
                  schema: {type: object, properties: {title: {type: string}}}
          schemas:
            Charge:
              type: object
              required: [id, amount]
              properties:
                id: {type: string, readOnly: true, pattern: "^ch_[a-z0-9]+$"}
                amount:
                  type: integer
                  format: int64
                  minimum: 1
                  maximum: 1000000
                  exclusiveMaximum: true
                status:
                  type: string
                  enum: [pending, paid, 3]
                  nullable: true
                note: {type: string, minLength: 1, maxLength: 200}
                secret: {type: string, writeOnly: true}
                tags: {type: array, items: {type: string}, minItems: 0, maxItems: 5}
                meta: {type: object, additionalProperties: {type: string}}
        """;

    [Fact]
    public void Read_OpenApi30_ReadsOperationsParametersBodiesAndResponses()
    {
        var spec = ReadClean(OpenApi30);

        Assert.Equal("Payments", spec.Title);
        Assert.Equal("2.1", spec.Version);
        Assert.Equal("/v1", spec.BasePath);
        Assert.Equal(["GET /charges/{}", "POST /charges", "PATCH /charges", "DELETE /charges"], spec.Operations.Select(o => o.Key));
        var get = spec.Find("get", "/charges/{id}")!;
        Assert.Equal("getCharge", get.OperationId);
        Assert.Equal("/charges/{chargeId}", get.Path);
        Assert.Equal(new SourceLocation("api.yaml", 17), get.Location);
        // Path-level parameters are merged; the operation's own 'verbose' replaces the path-level one.
        Assert.Equal(["path:chargeId:True", "query:verbose:True"], get.Parameters.Select(p => $"{p.In}:{p.Name}:{p.Required}"));
        Assert.Equal(["integer"], get.Parameters[1].Schema!.Types);
        Assert.Equal(["200", "404"], get.Responses.Select(r => r.Status));
        Assert.Equal("application/problem+json", Assert.Single(get.Responses[1].Content).Key);
        Assert.Equal(new SourceLocation("api.yaml", 64), get.Responses[1].Location);
        Assert.True(get.Idempotent);

        var post = spec.Find("POST", "/charges")!;
        Assert.True(post.Idempotent, "an Idempotency-Key header makes a POST idempotent");
        Assert.True(post.RequestBody!.Required);
        var charge = post.RequestBody.Content["application/json"]!;
        Assert.Same(charge, get.Responses[0].Content["application/json"]);
        Assert.Equal("#/components/schemas/Charge", charge.Ref);
        Assert.True(spec.Find("PATCH", "/charges")!.Idempotent);
        Assert.False(spec.Find("DELETE", "/charges")!.Idempotent, "x-idempotent: false wins over the method");
    }

    [Fact]
    public void Read_OpenApi30_ReadsSchemaKeywords()
    {
        var charge = ReadClean(OpenApi30).Operations[0].Responses[0].Content["application/json"]!;

        Assert.Equal(["object"], charge.Types);
        Assert.Equal(["amount", "id"], charge.Required.Order());
        Assert.Equal(["id", "amount", "status", "note", "secret", "tags", "meta"], charge.Properties.Keys);
        var id = charge.Properties["id"];
        Assert.True(id.ReadOnly);
        Assert.Equal("^ch_[a-z0-9]+$", id.Pattern);
        var amount = charge.Properties["amount"];
        Assert.Equal("int64", amount.Format);
        Assert.Equal(1m, amount.Minimum);
        Assert.Equal(1000000m, amount.Maximum);
        Assert.True(amount.ExclusiveMaximum);
        Assert.False(amount.ExclusiveMinimum);
        var status = charge.Properties["status"];
        Assert.True(status.Nullable);
        Assert.Equal(["\"pending\"", "\"paid\"", "3"], status.Enum);
        var note = charge.Properties["note"];
        Assert.Equal((1, 200), (note.MinLength, note.MaxLength));
        Assert.True(charge.Properties["secret"].WriteOnly);
        var tags = charge.Properties["tags"];
        Assert.Equal(["string"], tags.Items!.Types);
        Assert.Equal((0, 5), (tags.MinItems, tags.MaxItems));
        Assert.Equal(["string"], charge.Properties["meta"].AdditionalProperties!.Types);
        Assert.Equal(new SourceLocation("api.yaml", 70), charge.Location);
    }

    [Fact]
    public void Read_OpenApi31_TypeListsConstExclusiveBoundsAndNullBranches()
    {
        var spec = ReadClean("""
            openapi: 3.1.0
            info: {title: t, version: "1"}
            paths:
              /items:
                get:
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema:
                            type: object
                            properties:
                              name: {type: [string, "null"]}
                              kind: {const: book}
                              price: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 100}
                              owner:
                                oneOf:
                                  - type: "null"
                                  - $ref: "#/components/schemas/Owner"
                              either:
                                anyOf: [{type: string}, {type: integer}]
            components:
              schemas:
                Owner: {type: object, properties: {id: {type: string}}}
            """);

        var body = spec.Operations[0].Responses[0].Content["application/json"]!;
        var name = body.Properties["name"];
        Assert.Equal(["string"], name.Types);
        Assert.True(name.Nullable);
        Assert.Equal(["\"book\""], body.Properties["kind"].Enum);
        var price = body.Properties["price"];
        Assert.Equal((0m, true, 100m, true), (price.Minimum, price.ExclusiveMinimum, price.Maximum, price.ExclusiveMaximum));
        var owner = body.Properties["owner"];
        Assert.True(owner.Nullable);
        Assert.Empty(owner.OneOf);
        Assert.Equal("#/components/schemas/Owner", Assert.Single(owner.AllOf).Ref);
        Assert.Equal(2, body.Properties["either"].AnyOf.Count);
    }

    [Fact]
    public void Read_Swagger2_BodyFormDataParametersAndResponses()
    {
        var spec = ReadClean("""
            swagger: "2.0"
            info: {title: legacy, version: "1"}
            basePath: /api/
            consumes: [application/json]
            produces: [application/json, application/xml]
            paths:
              /pets:
                post:
                  parameters:
                    - in: body
                      name: pet
                      required: true
                      schema: {$ref: "#/definitions/Pet"}
                    - in: query
                      name: limit
                      type: integer
                      maximum: 100
                    - $ref: "#/parameters/Trace"
                  responses:
                    "200":
                      description: ok
                      schema: {$ref: "#/definitions/Pet"}
                    "204":
                      description: nothing
              /pets/{id}/photo:
                put:
                  consumes: [multipart/form-data]
                  parameters:
                    - {in: path, name: id, type: string}
                    - {in: formData, name: file, type: file, required: true}
                    - {in: formData, name: caption, type: string, x-nullable: true}
                  responses:
                    default: {description: any}
            parameters:
              Trace: {in: header, name: X-Trace, type: string}
            definitions:
              Pet:
                type: object
                required: [name]
                properties:
                  name: {type: string}
            """);

        Assert.Equal("/api", spec.BasePath);
        var post = spec.Operations[0];
        Assert.Equal(["query:limit", "header:X-Trace"], post.Parameters.Select(p => $"{p.In}:{p.Name}"));
        Assert.Equal(100m, post.Parameters[0].Schema!.Maximum);
        Assert.Equal(["integer"], post.Parameters[0].Schema!.Types);
        Assert.True(post.RequestBody!.Required);
        var pet = Assert.Single(post.RequestBody.Content);
        Assert.Equal("application/json", pet.Key);
        Assert.Equal(["name"], pet.Value!.Required);
        Assert.Equal(["application/json", "application/xml"], post.Responses[0].Content.Keys);
        Assert.Same(pet.Value, post.Responses[0].Content["application/xml"]);
        Assert.Empty(post.Responses[1].Content);

        var put = spec.Operations[1];
        Assert.Equal("path", Assert.Single(put.Parameters).In);
        var form = Assert.Single(put.RequestBody!.Content);
        Assert.Equal("multipart/form-data", form.Key);
        Assert.Equal(["file", "caption"], form.Value!.Properties.Keys);
        Assert.Equal(["file"], form.Value.Required);
        Assert.True(form.Value.Properties["caption"].Nullable);
    }

    [Fact]
    public void Read_Json_ReadsTheSameAsYaml()
    {
        var spec = ReadClean("""
            {
              "openapi": "3.0.0",
              "info": {"title": "j", "version": "1"},
              "paths": {
                "/a": {"get": {"responses": {"200": {"description": "ok",
                  "content": {"application/json": {"schema": {"type": "object", "properties": {"x": {"type": "string", "enum": ["1", "b"]}}}}}}}}}
              }
            }
            """);

        var x = spec.Operations[0].Responses[0].Content["application/json"]!.Properties["x"];
        Assert.Equal(["\"1\"", "\"b\""], x.Enum);
        Assert.Equal(new SourceLocation("api.yaml", 6), x.Location);
    }

    [Fact]
    public void Read_SiblingFileRefs_ResolveRelativeToTheReferringFile()
    {
        var (spec, diagnostics) = Read("specs/api.yaml",
            ("specs/api.yaml", """
                openapi: 3.0.3
                info: {title: t, version: "1"}
                paths:
                  /orders:
                    $ref: "paths/orders.yaml"
                """),
            ("specs/paths/orders.yaml", """
                get:
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema:
                            $ref: "../common/types.yaml#/components/schemas/Order"
                """),
            ("specs/common/types.yaml", """
                components:
                  schemas:
                    Order:
                      type: object
                      properties:
                        total:
                          $ref: "./money.yaml#/Money"
                """),
            ("specs/common/money.yaml", """
                Money:
                  type: object
                  properties:
                    currency: {type: string}
                """));

        Assert.Empty(diagnostics);
        var operation = Assert.Single(spec!.Operations);
        Assert.Equal(new SourceLocation("specs/paths/orders.yaml", 2), operation.Location);
        var order = operation.Responses[0].Content["application/json"]!;
        Assert.Equal("../common/types.yaml#/components/schemas/Order", order.Ref);
        Assert.Equal(new SourceLocation("specs/common/types.yaml", 4), order.Location);
        var total = order.Properties["total"];
        Assert.Equal(new SourceLocation("specs/common/money.yaml", 2), total.Location);
        Assert.Equal(["string"], total.Properties["currency"].Types);
    }

    [Fact]
    public void Read_SiblingFilesOnDisk_AreReadByDefault()
    {
        using var dir = new TempDir();
        dir.Write("common.yaml", "Id: {type: string, format: uuid}\n");
        var main = dir.Write("api.yaml", """
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths:
              /a/{id}:
                get:
                  parameters: [{name: id, in: path, schema: {$ref: "common.yaml#/Id"}}]
                  responses: {"200": {description: ok}}
            """);
        var diagnostics = new List<InputDiagnostic>();

        var spec = OpenApiReader.Read(main, diagnostics);

        Assert.Empty(diagnostics);
        Assert.Equal("uuid", spec!.Operations[0].Parameters[0].Schema!.Format);
    }

    private const string BrokenRefs = """
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /a:
            get:
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          good: {type: string}
                          missing:
                            $ref: "#/components/schemas/Nope"
                          away:
                            $ref: "gone.yaml#/X"
                          loop:
                            $ref: "#/components/schemas/A"
          /b:
            get:
              responses:
                "200": {description: ok}
        components:
          schemas:
            A: {$ref: "#/components/schemas/B"}
            B: {$ref: "#/components/schemas/A"}
        """;

    [Fact]
    public void Read_BrokenRef_ReportsFileAndLineAndReadsTheRest()
    {
        var (spec, diagnostics) = Read("api.yaml", ("api.yaml", BrokenRefs));

        Assert.NotNull(spec);
        Assert.Equal(["GET /a", "GET /b"], spec.Operations.Select(o => o.Key));
        var body = spec.Operations[0].Responses[0].Content["application/json"]!;
        Assert.Equal(["good", "missing", "away", "loop"], body.Properties.Keys);
        Assert.Equal("#/components/schemas/Nope", body.Properties["missing"].Ref);
        var missing = Assert.Single(diagnostics, d => d.Message.Contains("Nope", StringComparison.Ordinal));
        Assert.Equal((DiagnosticLevel.Error, new SourceLocation("api.yaml", 16)), (missing.Level, missing.Location));
        Assert.Contains("broken $ref", missing.Message, StringComparison.Ordinal);
        var away = Assert.Single(diagnostics, d => d.Message.Contains("gone.yaml", StringComparison.Ordinal));
        Assert.Equal(new SourceLocation("api.yaml", 18), away.Location);
    }

    [Fact]
    public void Read_RefCycle_ReportsTheCycleWithItsLineAndReadsTheRest()
    {
        var (spec, diagnostics) = Read("api.yaml", ("api.yaml", BrokenRefs));

        var cycle = Assert.Single(diagnostics, d => d.Message.Contains("cycle", StringComparison.Ordinal));
        Assert.Equal(DiagnosticLevel.Error, cycle.Level);
        Assert.Equal("api.yaml", cycle.Location.File);
        Assert.True(cycle.Location.Line is 27 or 28, cycle.ToString());
        Assert.Contains("#/components/schemas/A", cycle.Message, StringComparison.Ordinal);
        Assert.Contains("#/components/schemas/B", cycle.Message, StringComparison.Ordinal);
        Assert.Equal(2, spec!.Operations.Count);
    }

    [Fact]
    public void Read_RecursiveSchema_IsOneSharedInstance()
    {
        var spec = ReadClean("""
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths:
              /tree:
                get:
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema: {$ref: "#/components/schemas/Node"}
            components:
              schemas:
                Node:
                  type: object
                  properties:
                    name: {type: string}
                    children: {type: array, items: {$ref: "#/components/schemas/Node"}}
                    parent: {allOf: [{$ref: "#/components/schemas/Node"}]}
            """);

        var node = spec.Operations[0].Responses[0].Content["application/json"]!;
        Assert.Same(node, node.Properties["children"].Items);
        Assert.Same(node, Assert.Single(node.Properties["parent"].AllOf));
    }

    [Fact]
    public void Read_LongRefChain_DoesNotExhaustTheStack()
    {
        var schemas = new System.Text.StringBuilder();
        const int Count = 20_000;
        for (var i = 0; i < Count; i++)
        {
            schemas.Append($"    S{i}: {{type: object, properties: {{next: {{$ref: \"#/components/schemas/S{i + 1}\"}}}}}}\n");
        }
        schemas.Append($"    S{Count}: {{type: string}}\n");
        var spec = ReadClean($$"""
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths:
              /chain:
                get:
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema:
                            $ref: "#/components/schemas/S0"
            components:
              schemas:
            {{schemas}}
            """);

        var schema = spec.Operations[0].Responses[0].Content["application/json"]!;
        for (var i = 0; i < Count; i++)
        {
            schema = schema.Properties["next"];
        }
        Assert.Equal(["string"], schema.Types);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Service\n", "no 'openapi' or 'swagger' key")]
    [InlineData("- a\n- b\n", "the top is not a mapping")]
    [InlineData("openapi: 2.5.0\npaths: {}\n", "OpenAPI version '2.5.0' is not supported")]
    [InlineData("swagger: '1.2'\n", "Swagger version '1.2' is not supported")]
    public void Read_NotOpenApi_ReturnsNullWithDiagnostic(string text, string message)
    {
        var (spec, diagnostics) = Read("x.yaml", ("x.yaml", text));

        Assert.Null(spec);
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticLevel.Error, d.Level);
        Assert.Equal("x.yaml", d.Location.File);
        Assert.Contains(message, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnreadableFile_ReturnsNullWithDiagnostic()
    {
        var (spec, diagnostics) = Read("missing.yaml");

        Assert.Null(spec);
        Assert.Contains("cannot read 'missing.yaml'", Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_InvalidYaml_ReturnsNullWithTheParserError()
    {
        var (spec, diagnostics) = Read("bad.yaml", ("bad.yaml", "openapi: 3.0.0\npaths: [unclosed\n"));

        Assert.Null(spec);
        Assert.Contains(diagnostics, d => d.Level == DiagnosticLevel.Error && d.Location.File == "bad.yaml" && d.Location.Line > 0);
    }

    [Fact]
    public void Read_SameOperationTwice_WarnsAndKeepsTheFirst()
    {
        var (spec, diagnostics) = Read("api.yaml", ("api.yaml", """
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths:
              /a/{x}:
                get: {operationId: first, responses: {"200": {description: ok}}}
              /a/{y}:
                get: {operationId: second, responses: {"200": {description: ok}}}
            """));

        Assert.Equal("first", Assert.Single(spec!.Operations).OperationId);
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticLevel.Warning, 7), (d.Level, d.Location.Line));
    }

    [Fact]
    public void Read_RefBesideConstraints_KeepsBoth()
    {
        var spec = ReadClean("""
            openapi: 3.1.0
            info: {title: t, version: "1"}
            paths:
              /a:
                get:
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema:
                            type: object
                            properties:
                              plain: {$ref: "#/components/schemas/Code", description: same instance}
                              tighter: {$ref: "#/components/schemas/Code", maxLength: 3}
            components:
              schemas:
                Code: {type: string, maxLength: 10}
            """);

        var body = spec.Operations[0].Responses[0].Content["application/json"]!;
        var code = body.Properties["plain"];
        Assert.Equal(10, code.MaxLength);
        var tighter = body.Properties["tighter"];
        Assert.Equal(3, tighter.MaxLength);
        Assert.Same(code, Assert.Single(tighter.AllOf));
    }
}
